"""Config validation and set resolution: every bad config names key and value."""

import copy
from pathlib import Path

import pytest

from deeparrange.config import ConfigError, resolve_sets, validate

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _config(**set_keys):
    spec = {"font": "LiberationSerif-Regular.ttf", "characters": LATIN}
    spec.update(set_keys)
    return {"sets": {"latin": spec}}


def _resolve(config):
    return resolve_sets(validate(copy.deepcopy(config), SCHEMA), ROOT)


def test_defaults_are_filled_in():
    config = validate(_config(), SCHEMA)
    assert config["embedding"]["weights"] == "imagenet"
    assert config["embedding"]["shard_size"] == 4096
    assert config["sets"]["latin"]["clusters"] == 3
    assert config["sets"]["latin"]["missing"] == "skip"


def test_default_grid_is_smallest_near_square():
    spec = _resolve(_config())["latin"]
    assert (spec.rows, spec.cols) == (6, 9)
    assert len(spec.items) == 52


def test_shipped_config_resolves_the_five_original_sets():
    import yaml

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    sets = _resolve(config)
    assert {"latin", "alphanumeric", "arrows", "box_drawing", "geometric_shapes"} <= (
        sets.keys()
    )
    assert len(sets["latin"].items) == 52
    assert (sets["latin"].rows, sets["latin"].cols) == (8, 8)
    assert len(sets["alphanumeric"].items) == 62
    assert len(sets["arrows"].items) == 112
    assert len(sets["box_drawing"].items) == 128
    assert len(sets["geometric_shapes"].items) == 96


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"sets": {"latin": {"font": "x", "colour": 1}}}, r"sets\.latin: .*'colour'"),
        (_config(clusters="3"), r"sets\.latin\.clusters: '3' is not of type"),
        (_config(clusters=0), r"sets\.latin\.clusters: 0 is less than"),
        (_config(scale="huge"), r"sets\.latin\.scale: 'huge' is not one of"),
        (
            {"embedding": {"batch": 3}, "sets": _config()["sets"]},
            r"embedding: .*'batch' was unexpected",
        ),
        ({"sets": {}}, r"sets: \{\} should be non-empty"),
        (_config(grid={"rows": 2}), r"sets\.latin\.grid: 'cols' is a required"),
    ],
)
def test_schema_errors_name_the_key_and_value(config, message):
    with pytest.raises(ConfigError, match=message):
        _resolve(config)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (_config(clusters=53), r"sets\.latin\.clusters: 53 is more than the set's 52"),
        (
            _config(grid={"rows": 5, "cols": 10}),
            r"sets\.latin\.grid: 5x10 has 50 cells for 52 items; use at least 6x9",
        ),
        (_config(font="Nope.ttf"), r"sets\.latin\.font: font 'Nope\.ttf' is neither"),
        (
            {"sets": {"s": {"font": "DejaVuSans.ttf", "ranges": [[0x21FF, 0x2190]]}}},
            r"sets\.s\.ranges: \[0x21ff, 0x2190\] runs backwards",
        ),
        ({"sets": {"s": {"font": "DejaVuSans.ttf"}}}, r"sets\.s: names no items"),
        (
            {"sets": {"s": {"characters": "abc"}}},
            r"sets\.s\.font: missing",
        ),
        (
            {
                "sets": {
                    "s": {
                        "font": "LiberationSerif-Regular.ttf",
                        "ranges": [[0x2800, 0x28FF]],
                    }
                }
            },
            r"sets\.s: font LiberationSerif-Regular\.ttf has none",
        ),
    ],
)
def test_impossible_sets_are_errors(config, message):
    with pytest.raises(ConfigError, match=message):
        _resolve(config)


def test_missing_characters_are_skipped_and_listed():
    # Liberation Serif has the Latin letters but not these two arrows.
    spec = _resolve(_config(characters="Ab\u2933\u21f4", clusters=2))["latin"]
    assert spec.items == ["A", "b"]
    assert spec.missing == ["\u21f4", "\u2933"]


def test_missing_characters_stop_the_run_when_the_set_asks():
    with pytest.raises(
        ConfigError,
        match=r"lacks 2 of the set's characters "
        r"\(U\+21F4 U\+2933\).*missing: skip",
    ):
        _resolve(_config(characters="Ab\u2933\u21f4", missing="error"))
