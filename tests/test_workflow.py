"""The real Snakemake DAG end to end on tiny sets, with random weights."""

import copy
import filecmp
import json
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from workflow_runner import planned_jobs, snakemake, write_config

pytestmark = pytest.mark.slow

# A space (no ink) and U+2933 (not in Liberation Serif) must be left out.
LETTERS = "AaBbCcDdEeOoIl \u2933"
CONFIG = {
    "seed": 0,
    "embedding": {"weights": "random", "shard_size": 8, "batch_size": 4},
    "sets": {
        "letters": {
            "font": "LiberationSerif-Regular.ttf",
            "characters": LETTERS,
            "clusters": 3,
        },
        "arrows": {
            "font": "DejaVuSans.ttf",
            "ranges": [[0x2190, 0x2199]],
            "grid": {"rows": 3, "cols": 5},
            "clusters": 2,
        },
    },
}
DETERMINISTIC = [
    "embeddings.npy", "embeddings.json", "pca.npy", "pca.json",
    "grid_assignment.csv", "grid_assignment.json", "clusters.csv",
    "clusters.json", "sentences.txt", "missing.csv",
]  # fmt: skip


@pytest.fixture(scope="session")
def finished(tmp_path_factory):
    """A workdir in which the whole workflow has run once."""
    workdir = tmp_path_factory.mktemp("run")
    write_config(workdir, CONFIG)
    snakemake(workdir)
    return workdir


@contextmanager
def changed_config(workdir: Path, change):
    """Edit the workdir's config for the duration of a with-block."""
    path = workdir / "config" / "config.yaml"
    original = path.read_text()
    config = copy.deepcopy(CONFIG)
    change(config)
    write_config(workdir, config)
    try:
        yield
    finally:
        path.write_text(original)


def test_glyph_set_outputs(finished):
    out = finished / "results" / "letters"
    with h5py.File(out / "letters.h5") as f:
        assert f["images"].shape == (14, 224, 224, 3)
        assert f["images"].dtype == np.uint8
        assert "".join(f["text"].asstr()[:]) == "".join(sorted(LETTERS[:14]))
        assert f["codepoints"].asstr()[0] == "U+0041"
        assert f["name"].asstr()[0] == "LATIN CAPITAL LETTER A"
    pngs = sorted(p.name for p in (out / "glyphs").glob("*.png"))
    assert len(pngs) == 14 and "U+0041.png" in pngs
    assert Image.open(out / "glyphs" / "U+0041.png").size == (224, 224)
    missing = pd.read_csv(out / "missing.csv", keep_default_na=False)
    assert missing["codepoints"].tolist() == ["U+2933", "U+0020"]
    assert missing["reason"].tolist() == [
        "not in the font's character map",
        "glyph has no ink",
    ]


def test_embeddings_pca_grid_and_clusters(finished):
    out = finished / "results" / "letters"
    embeddings = np.load(out / "embeddings.npy")
    assert embeddings.shape == (14, 2048) and embeddings.dtype == np.float32
    assert len(list((out / "embeddings").glob("shard-*.npy"))) == 2
    assert np.load(out / "pca.npy").shape == (14, 2)
    grid = pd.read_csv(out / "grid_assignment.csv", keep_default_na=False)
    assert list(grid.columns) == ["item", "label", "character", "row", "col", "x", "y"]
    assert grid["row"].between(0, 3).all() and grid["col"].between(0, 3).all()
    assert len(set(zip(grid["row"], grid["col"], strict=True))) == 14
    clusters = pd.read_csv(out / "clusters.csv", keep_default_na=False)
    assert sorted(clusters["cluster"].unique()) == [0, 1, 2]
    arrows = pd.read_csv(finished / "results/arrows/grid_assignment.csv")
    assert arrows["row"].max() <= 2 and arrows["col"].max() <= 4


def test_sentences_are_drawn_from_their_cluster(finished):
    out = finished / "results" / "letters"
    clusters = pd.read_csv(out / "clusters.csv", keep_default_na=False)
    lines = (out / "sentences.txt").read_text().splitlines()
    assert len(lines) == 3
    for cluster, line in enumerate(lines):
        prefix, sentence = line.split(": ", 1)
        assert prefix == f"cluster {cluster}"
        assert len(sentence) == 99
        allowed = set(clusters.loc[clusters["cluster"] == cluster, "character"])
        assert set(sentence) <= allowed | {" "}


def test_outputs_say_which_weights_made_them(finished):
    out = finished / "results" / "letters"
    meta = json.loads((out / "embeddings.json").read_text())
    assert meta["weights"] == "random" and meta["weights_seed"] == 0
    assert "NOT ImageNet" in meta["note"]
    for figure in ("arrangement.png", "arrangement_clusters.png"):
        info = Image.open(out / "figures" / figure).text
        assert info["Weights"] == "random"
        assert "RANDOM weights" in info["Description"]


def test_every_rule_wrote_its_log(finished):
    logs = {p.stem for p in (finished / "results/letters/logs").glob("*.log")}
    assert {
        "render_glyphs",
        "pack_glyphs",
        "embed_shard-0000",
        "gather_embeddings",
        "project_embeddings",
        "assign_grid",
        "cluster_embeddings",
        "draw_arrangement",
        "draw_clusters",
        "write_sentences",
    } <= logs
    embed_log = (finished / "results/letters/logs/embed_shard-0000.log").read_text()
    assert "device CPU" in embed_log and "weights random" in embed_log


def test_finished_run_has_nothing_to_do(finished):
    result = snakemake(finished)
    assert "Nothing to be done" in result.stdout + result.stderr


def test_two_clean_runs_give_identical_files(finished, tmp_path):
    write_config(tmp_path, CONFIG)
    snakemake(tmp_path)
    for name in ("letters", "arrows"):
        for file in DETERMINISTIC:
            first = finished / "results" / name / file
            second = tmp_path / "results" / name / file
            assert filecmp.cmp(first, second, shallow=False), f"{name}/{file}"


def _set_clusters(config):
    config["sets"]["letters"]["clusters"] = 2


def _set_grid(config):
    config["sets"]["letters"]["grid"] = {"rows": 3, "cols": 6}


def _set_font(config):
    config["sets"]["arrows"]["font"] = "LiberationSerif-Regular.ttf"


EVERY_RULE = {
    "render_glyphs", "pack_glyphs", "embed_shard", "gather_embeddings",
    "project_embeddings", "assign_grid", "cluster_embeddings",
    "draw_arrangement", "draw_clusters", "write_sentences",
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _set_clusters,
            {
                ("cluster_embeddings", "letters"),
                ("draw_clusters", "letters"),
                ("write_sentences", "letters"),
            },
        ),
        (
            _set_grid,
            {
                ("assign_grid", "letters"),
                ("draw_arrangement", "letters"),
                ("draw_clusters", "letters"),
            },
        ),
        (_set_font, {(rule, "arrows") for rule in EVERY_RULE}),
    ],
    ids=["clusters", "grid", "font"],
)
def test_a_config_change_reruns_only_what_it_touches(finished, change, expected):
    with changed_config(finished, change):
        jobs = planned_jobs(finished)
    assert jobs == expected


def test_impossible_config_fails_before_any_job(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["sets"]["letters"]["clusters"] = 40
    write_config(tmp_path, config)
    result = snakemake(tmp_path, "--dry-run", check=False)
    assert result.returncode != 0
    assert "sets.letters.clusters: 40 is more than the set's 15 items" in (
        result.stdout + result.stderr
    )
    assert not (tmp_path / "results").exists()


def _save_legacy_weights(path: Path, seed: int) -> None:
    """Save seeded random ResNet-50 weights in the ImageNet file's h5 layout."""
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    keras.utils.set_random_seed(seed)
    model = keras.applications.ResNet50(
        include_top=False, weights=None, pooling="avg", input_shape=(224, 224, 3)
    )
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def test_weights_file_is_loaded_and_recorded(finished, tmp_path):
    from deeparrange.embed import Weights, build_model, configure_device, embed_range
    from deeparrange.weights import file_digest

    configure_device("float32", threads=2)  # as the embed job runs
    weights = tmp_path / "resnet50_notop_seed7.h5"
    _save_legacy_weights(weights, seed=7)
    config = copy.deepcopy(CONFIG)
    config["embedding"]["weights"] = str(weights)
    del config["sets"]["arrows"]
    write_config(tmp_path, config)
    snakemake(tmp_path)

    out = tmp_path / "results" / "letters"
    meta = json.loads((out / "embeddings.json").read_text())
    assert meta["weights"] == "file"
    assert meta["weights_sha256"] == file_digest(weights, "sha256")
    embeddings = np.load(out / "embeddings.npy")
    model = build_model(Weights("random", None, seed=7))
    expected = embed_range(out / "letters.h5", 0, 14, model, batch_size=4)
    np.testing.assert_array_equal(embeddings, expected)
    random_run = np.load(finished / "results/letters/embeddings.npy")
    assert not np.allclose(embeddings, random_run)
    caption = Image.open(out / "figures/arrangement.png").text["Description"]
    assert "weights from resnet50_notop_seed7.h5" in caption
