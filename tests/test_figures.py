"""Mosaics from tiny synthetic sets; glyph PNGs and streamed letters.h5."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from deeparrange import store
from deeparrange.figures import _EMPTY_CELL, cluster_colour, mosaic, tile_size
from deeparrange.glyphs import render_glyphs
from deeparrange.pack import (
    glyph_filename,
    pack_glyph_folder,
    write_glyph_folder,
)


def _items(n: int) -> pd.DataFrame:
    return pd.DataFrame({"label": [f"item{i}" for i in range(n)]})


def _solid_set(path, n: int, size: int = 224) -> np.ndarray:
    """A set of n one-colour images; the colours [n, 3]."""
    colours = np.random.default_rng(0).integers(0, 256, size=(n, 3), dtype=np.uint8)
    images = np.broadcast_to(colours[:, None, None, :], (n, size, size, 3)).copy()
    store.write_set(path, images, _items(n), {})
    return colours


def _tile(image: np.ndarray, cell: int, cols: int, tile: int) -> np.ndarray:
    row, col = divmod(cell, cols)
    return image[row * tile : (row + 1) * tile, col * tile : (col + 1) * tile]


@pytest.mark.parametrize(
    ("n", "rows", "cols"),
    [(10, 3, 4), (150, 13, 12), (7, 200, 200)],  # one chunk, several, 24 px tiles
)
def test_mosaic_puts_each_item_in_its_cell(tmp_path, n, rows, cols):
    colours = _solid_set(tmp_path / "set.h5", n)
    cells = np.random.default_rng(1).permutation(rows * cols)[:n]
    image = mosaic(tmp_path / "set.h5", cells, rows, cols)

    tile = tile_size(rows, cols)
    assert image.shape == (rows * tile, cols * tile, 3)
    for item, cell in enumerate(cells):
        tile_pixels = _tile(image, int(cell), cols, tile)
        assert (tile_pixels == colours[item]).all(), f"item {item} in cell {cell}"
    empty = sorted(set(range(rows * cols)) - set(cells.tolist()))[0]
    assert (_tile(image, empty, cols, tile) == _EMPTY_CELL).all()


def test_mosaic_shrinks_like_a_lanczos_resize(tmp_path):
    rng = np.random.default_rng(2)
    smooth = rng.integers(0, 256, size=(4, 28, 28, 3), dtype=np.uint8)
    images = np.stack(
        [np.asarray(Image.fromarray(im).resize((224, 224))) for im in smooth]
    )
    store.write_set(tmp_path / "set.h5", images, _items(4), {})
    rows = cols = 100  # 48 px tiles
    image = mosaic(tmp_path / "set.h5", np.arange(4), rows, cols)

    tile = tile_size(rows, cols)
    for item in range(4):
        fair = Image.fromarray(images[item]).resize(
            (tile, tile), Image.Resampling.LANCZOS
        )
        diff = np.abs(_tile(image, item, cols, tile).astype(int) - np.asarray(fair))
        assert diff.mean() < 1.0


def test_mosaic_tints_paper_and_keeps_ink_dark(tmp_path):
    images = np.full((2, 224, 224, 3), 255, dtype=np.uint8)
    images[:, :100] = 0
    store.write_set(tmp_path / "set.h5", images, _items(2), {})
    labels = np.array([0, 3])
    image = mosaic(tmp_path / "set.h5", np.array([1, 0]), 1, 2, labels, tint=0.5)

    for item, cell in enumerate([1, 0]):
        pixels = _tile(image, cell, 2, 224)
        colour = np.array(cluster_colour(int(labels[item])), dtype=float)
        assert (pixels[:100] == 0).all()
        np.testing.assert_allclose(pixels[150, 0], 127.5 + colour / 2, atol=0.5)


def test_write_set_batches_round_trips(tmp_path):
    images = np.random.default_rng(3).integers(0, 256, (5, 8, 8, 3), dtype=np.uint8)
    batches = [images[:2], images[2:4], images[4:]]
    store.write_set_batches(
        tmp_path / "set.h5", iter(batches), _items(5), {"a": 1}, image_shape=(8, 8, 3)
    )
    np.testing.assert_array_equal(store.read_images(tmp_path / "set.h5"), images)
    assert store.read_provenance(tmp_path / "set.h5") == {"a": 1}
    assert store.read_items(tmp_path / "set.h5")["label"].tolist()[-1] == "item4"


@pytest.mark.parametrize(
    ("sizes", "match"),
    [([2, 2], "4 images streamed for 5"), ([3, 3], "does not fit 5 images")],
)
def test_write_set_batches_rejects_wrong_counts_and_leaves_no_file(
    tmp_path, sizes, match
):
    batches = (np.zeros((k, 8, 8, 3), dtype=np.uint8) for k in sizes)
    with pytest.raises(ValueError, match=match):
        store.write_set_batches(
            tmp_path / "set.h5", batches, _items(5), {}, image_shape=(8, 8, 3)
        )
    assert list(tmp_path.iterdir()) == []


def test_set_writer_shrinks_to_the_items_written(tmp_path):
    images = np.random.default_rng(5).integers(0, 256, (3, 8, 8, 3), dtype=np.uint8)
    with store.open_set(tmp_path / "set.h5", (8, 8, 3), 10, (4, 4, 3)) as writer:
        writer.append(images[:2], images[:2, :4, :4])
        writer.append(images[2:], images[2:, :4, :4])
        writer.finish(_items(3), {})
    np.testing.assert_array_equal(store.read_images(tmp_path / "set.h5"), images)
    thumbnails = store.read_images(tmp_path / "set.h5", thumbnails=True)
    np.testing.assert_array_equal(thumbnails, images[:, :4, :4])


@pytest.mark.parametrize(
    ("thumbnails", "match"),
    [(None, "batch of \\['images'\\] for a set of"), (np.zeros((2, 8, 8, 3)), "float")],
)
def test_set_writer_refuses_a_batch_unlike_the_set(tmp_path, thumbnails, match):
    images = np.zeros((2, 8, 8, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=match):
        with store.open_set(tmp_path / "set.h5", (8, 8, 3), 2, (8, 8, 3)) as writer:
            writer.append(images, thumbnails)
    assert list(tmp_path.iterdir()) == []


def test_set_writer_left_unfinished_leaves_no_file(tmp_path):
    with pytest.raises(RuntimeError, match="without finish"):
        with store.open_set(tmp_path / "set.h5", (8, 8, 3), 2) as writer:
            writer.append(np.zeros((2, 8, 8, 3), dtype=np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_pack_glyph_folder_streams_in_chunks(tmp_path):
    texts = ["A", "B", "C", "D", "E"]
    rng = np.random.default_rng(4)
    images = rng.integers(0, 256, (5, 16, 16, 3), dtype=np.uint8)
    for text, image in zip(texts, images, strict=True):
        if text != "C":  # C has no PNG and must be left out
            Image.fromarray(image).save(tmp_path / glyph_filename(text))

    count = pack_glyph_folder(texts, tmp_path, tmp_path / "set.h5", {}, chunk=2)
    assert count == 4
    np.testing.assert_array_equal(
        store.read_images(tmp_path / "set.h5"), images[[0, 1, 3, 4]]
    )
    assert store.read_items(tmp_path / "set.h5")["text"].tolist() == list("ABDE")


def test_pack_glyph_folder_rejects_a_glyph_of_another_size(tmp_path):
    Image.new("RGB", (16, 16)).save(tmp_path / glyph_filename("A"))
    Image.new("RGB", (20, 16)).save(tmp_path / glyph_filename("B"))
    with pytest.raises(ValueError, match="20x16 px, expected 16x16"):
        pack_glyph_folder(["A", "B"], tmp_path, tmp_path / "set.h5", {})
    assert not (tmp_path / "set.h5").exists()


def test_glyph_folder_round_trips_grey_and_colour(tmp_path):
    font = Path(__file__).resolve().parents[1] / "resources/fonts/DejaVuSans.ttf"
    texts = ["A", "g", "\u2192"]
    write_glyph_folder(texts, font, tmp_path / "glyphs", "fixed")
    colour = np.zeros((224, 224, 3), dtype=np.uint8)
    colour[..., 0] = 200
    Image.fromarray(colour).save(tmp_path / "glyphs" / glyph_filename("B"))

    assert Image.open(tmp_path / "glyphs" / glyph_filename("A")).mode == "L"
    assert Image.open(tmp_path / "glyphs" / glyph_filename("B")).mode == "RGB"
    pack_glyph_folder([*texts, "B"], tmp_path / "glyphs", tmp_path / "set.h5", {})
    drawn, _ = render_glyphs(texts, font, scale="fixed")
    np.testing.assert_array_equal(
        store.read_images(tmp_path / "set.h5"), np.stack([*drawn, colour])
    )
