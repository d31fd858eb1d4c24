"""The real Snakemake DAG end to end on tiny sets, with random weights."""

import copy
import filecmp
import json
import re
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
    "clusters.json", "sentences.txt", "missing.csv", "figures/arrangement.png",
    "figures/arrangement_clusters.png", "figures/sentences.png",
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
        "glyph has no ink (or cannot be laid out)",
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


def _set_method(config):
    config["layout"] = {"method": "pca_assign"}


def _set_font(config):
    config["sets"]["arrows"]["font"] = "LiberationSerif-Regular.ttf"


EVERY_RULE = {
    "render_glyphs", "pack_glyphs", "embed_shard", "gather_embeddings",
    "project_embeddings", "assign_grid", "cluster_embeddings",
    "draw_arrangement", "draw_clusters", "write_sentences", "measure_layout",
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
                ("measure_layout", "letters"),
            },
        ),
        (
            _set_grid,
            {
                ("assign_grid", "letters"),
                ("draw_arrangement", "letters"),
                ("draw_clusters", "letters"),
                ("measure_layout", "letters"),
            },
        ),
        (_set_font, {(rule, "arrows") for rule in EVERY_RULE}),
        (
            _set_method,
            {
                (rule, name)
                for rule in (
                    "assign_grid",
                    "draw_arrangement",
                    "draw_clusters",
                    "measure_layout",
                )
                for name in ("letters", "arrows")
            },
        ),
    ],
    ids=["clusters", "grid", "font", "method"],
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


def test_metrics_compare_the_method_with_the_original(finished):
    metrics = json.loads((finished / "results/letters/metrics.json").read_text())
    assert metrics["layout"]["method"] == "flas"
    assert metrics["items"] == 14
    assert 0 < metrics["dpq16"]["dpq"] <= 1 and metrics["dpq16"]["exact"]
    baseline = metrics["baseline_pca_assign"]["dpq16"]["dpq"]
    assert 0 < baseline <= 1
    assert metrics["embedding"]["weights"] == "random"
    assert 0 <= metrics["cluster_agreement"] <= 1


@pytest.fixture(scope="module")
def colour_run(tmp_path_factory):
    """A vectors set of random RGB colours, drawn as coloured cells."""
    workdir = tmp_path_factory.mktemp("colours")
    colours = np.random.default_rng(3).random((100, 3))
    np.save(workdir / "colours.npy", colours)
    (workdir / "names.txt").write_text("".join(f"c{i}\n" for i in range(100)))
    config = {"sets": {"colours": {
        "vectors": str(workdir / "colours.npy"),
        "labels": str(workdir / "names.txt"),
        "clusters": 4,
    }}}  # fmt: skip
    write_config(workdir, config)
    snakemake(workdir)
    return workdir, colours


def test_colour_vectors_are_sorted_and_drawn_as_cells(colour_run):
    workdir, colours = colour_run
    out = workdir / "results/colours"
    grid = pd.read_csv(out / "grid_assignment.csv")
    assert grid["label"].tolist() == [f"c{i}" for i in range(100)]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["embedding"] == {
        "weights": "none",
        "vectors_file": str(workdir / "colours.npy"),
    }
    flas = metrics["dpq16"]["dpq"]
    assert flas > metrics["baseline_pca_assign"]["dpq16"]["dpq"]
    assert flas > 0.85
    # The centre pixel of each item's cell is the item's colour.
    page = np.asarray(Image.open(out / "figures/arrangement.png").convert("RGB"))
    tile = 224
    pad = max(16, 10 * tile // 80)
    for item in (0, 37, 99):
        row, col = grid.loc[item, ["row", "col"]]
        centre = page[pad + row * tile + tile // 2, pad + col * tile + tile // 2]
        np.testing.assert_allclose(centre, colours[item] * 255, atol=1)


def _photo_folder(root: Path) -> None:
    """Eight readable images in nested folders, and three broken files."""
    rng = np.random.default_rng(5)
    for i in range(8):
        size = (int(rng.integers(40, 120)), int(rng.integers(40, 120)))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        image = Image.new("RGB", size, colour)
        folder = root / ("b" if i % 2 else "a")
        folder.mkdir(parents=True, exist_ok=True)
        image.save(folder / f"photo{i}.{'png' if i % 3 else 'jpg'}")
    (root / "empty.jpg").write_bytes(b"")
    (root / "notes.png").write_text("not an image")
    whole = root / "a/photo0.jpg"
    (root / "cut.jpg").write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])


def test_image_folder_skips_broken_files_and_labels_by_path(tmp_path):
    _photo_folder(tmp_path / "photos")
    config = {
        "embedding": {"weights": "random"},
        "sets": {"photos": {"images": str(tmp_path / "photos"), "clusters": 2}},
    }
    write_config(tmp_path, config)
    snakemake(tmp_path)

    out = tmp_path / "results/photos"
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["path"].tolist() == ["cut.jpg", "empty.jpg", "notes.png"]
    assert skipped["reason"].str.len().min() > 5
    grid = pd.read_csv(out / "grid_assignment.csv")
    assert sorted(grid["label"]) == sorted(
        f"{'b' if i % 2 else 'a'}/photo{i}.{'png' if i % 3 else 'jpg'}"
        for i in range(8)
    )
    assert np.load(out / "embeddings.npy").shape == (8, 2048)
    with h5py.File(out / "letters.h5") as f:
        assert f["thumbnails"].shape == (8, 224, 224, 3)
    assert not (out / "sentences.txt").exists()
    assert (out / "figures/arrangement_clusters.png").is_file()


def test_colour_emoji_are_drawn_in_colour(tmp_path):
    config = {
        "embedding": {"weights": "random"},
        "sets": {"faces": {"font": "NotoColorEmoji.ttf", "scale": "fit",
                           "characters": "\U0001f600\U0001f40d\U0001f34e\u2764",
                           "clusters": 2}},
    }  # fmt: skip
    write_config(tmp_path, config)
    snakemake(tmp_path, "results/faces/letters.h5")
    with h5py.File(tmp_path / "results/faces/letters.h5") as f:
        images = f["images"][:]
    assert images.shape == (4, 224, 224, 3)
    # Colour: the red and green channels differ somewhere in every emoji.
    spread = np.abs(images[..., 0].astype(int) - images[..., 1]).max(axis=(1, 2))
    assert (spread > 100).all()


def _resources_of(dry_run: str, rule: str) -> str:
    block = dry_run.split(f"rule {rule}:", 1)[1].split("\n\n", 1)[0]
    return re.search(r"resources: (.*)", block).group(1)


def test_embed_jobs_ask_for_the_configured_gpus(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["embedding"].update(gpus=2, gpu_model="a100")
    write_config(tmp_path, config)
    out = snakemake(tmp_path, "--dry-run").stdout
    assert "gpu=2" in _resources_of(out, "embed_shard")
    assert "gpu_model=a100" in _resources_of(out, "embed_shard")
    assert "gpu=" not in _resources_of(out, "cluster_embeddings")


@pytest.mark.parametrize("source", ["h5", "folder"])
def test_vectors_are_drawn_with_their_images(tmp_path, source):
    rng = np.random.default_rng(6)
    vectors = rng.normal(size=(12, 5))
    np.save(tmp_path / "vectors.npy", vectors)
    colours = rng.integers(0, 256, size=(12, 3), dtype=np.uint8)
    tiles = np.broadcast_to(colours[:, None, None, :], (12, 32, 32, 3)).copy()
    if source == "h5":
        images = tmp_path / "images.h5"
        with h5py.File(images, "w") as f:
            f["images"] = tiles
    else:
        images = tmp_path / "images"
        images.mkdir()
        for i, tile in enumerate(tiles):
            Image.fromarray(tile).save(images / f"{i:02d}.png")
    config = {"sets": {"vecs": {
        "vectors": str(tmp_path / "vectors.npy"), "images": str(images),
        "clusters": 2,
    }}}  # fmt: skip
    write_config(tmp_path, config)
    snakemake(tmp_path)

    out = tmp_path / "results/vecs"
    np.testing.assert_array_equal(
        np.load(out / "embeddings.npy"), vectors.astype(np.float32)
    )
    with h5py.File(out / "letters.h5") as f:
        drawn = f["images"][:, 0, 0]
    # Folder images come back as padded thumbnails; their corner is the image.
    np.testing.assert_array_equal(drawn, colours)
    assert (out / "figures/arrangement.png").is_file()


def test_vectors_with_an_unreadable_image_fail_and_name_it(tmp_path):
    np.save(tmp_path / "vectors.npy", np.zeros((3, 5)))
    images = tmp_path / "images"
    images.mkdir()
    for i in range(2):
        Image.new("RGB", (8, 8)).save(images / f"{i}.png")
    (images / "2.png").write_text("not a picture\n")
    config = {"sets": {"vecs": {
        "vectors": str(tmp_path / "vectors.npy"), "images": str(images),
        "clusters": 2,
    }}}  # fmt: skip
    write_config(tmp_path, config)
    result = snakemake(tmp_path, "results/vecs/letters.h5", check=False)

    assert result.returncode != 0
    out = tmp_path / "results/vecs"
    log = (out / "logs/import_vectors.log").read_text()
    assert "1 images could not be read (['2.png', 'not an image" in log
    assert not list(out.glob("letters.h5*"))
