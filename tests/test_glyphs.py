"""Glyph rendering: centring, the two scales, colour emoji, items without ink."""

import string
from pathlib import Path

import numpy as np
import pytest

from deeparrange.charsets import font_cmap
from deeparrange.glyphs import render_glyphs
from deeparrange.pack import write_glyph_folder

FONTS = Path(__file__).parents[1] / "resources" / "fonts"
SERIF = FONTS / "LiberationSerif-Regular.ttf"
DEJAVU = FONTS / "DejaVuSans.ttf"
EMOJI = FONTS / "NotoColorEmoji.ttf"
LETTERS = list(string.ascii_letters)
# What fits inside a 10 % margin on each side of 224 pixels.
BOX = 224 * 0.8


def _ink_box(image, threshold=128):
    """Rows and columns (first, last) holding ink darker than threshold."""
    ink = (image < threshold).any(axis=-1)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[0], rows[-1], cols[0], cols[-1]


def _extent(image, threshold=128):
    top, bottom, left, right = _ink_box(image, threshold)
    return bottom - top + 1, right - left + 1


@pytest.fixture(scope="module", params=["fixed", "fit"])
def letters(request):
    images, point_size = render_glyphs(LETTERS, SERIF, scale=request.param)
    return request.param, images, point_size


def test_letters_are_white_squares_with_black_ink(letters):
    _, images, _ = letters
    for image in images:
        assert image.shape == (224, 224, 3)
        assert image.dtype == np.uint8
        assert tuple(image[0, 0]) == (255, 255, 255)
        assert image.min() == 0


def test_letters_are_centred(letters):
    _, images, _ = letters
    for letter, image in zip(LETTERS, images, strict=True):
        top, bottom, left, right = _ink_box(image, threshold=255)
        assert abs((top + bottom) / 2 - 111.5) <= 1, letter
        assert abs((left + right) / 2 - 111.5) <= 1, letter


def test_fixed_keeps_sizes_and_fit_fills_the_box(letters):
    scale, images, point_size = letters
    extents = {k: max(_extent(im)) for k, im in zip(LETTERS, images, strict=True)}
    assert max(extents.values()) == pytest.approx(BOX, abs=3)
    if scale == "fixed":
        assert point_size > 0
        assert extents["x"] < 0.8 * extents["X"]
    else:
        assert point_size == 0.0
        assert min(extents.values()) == pytest.approx(BOX, abs=3)


@pytest.mark.parametrize("text", [" ", "\u200b", "\u00ad"])
def test_mapped_characters_without_ink_come_back_as_none(text):
    assert ord(text) in font_cmap(str(DEJAVU))
    images, point_size = render_glyphs(["A", text], DEJAVU)
    assert images[0] is not None
    assert images[1] is None
    assert point_size > 0


@pytest.mark.parametrize("scale", ["fixed", "fit"])
def test_emoji_are_drawn_in_colour(scale):
    items = ["\U0001f600", "\U0001f1fa\U0001f1f8", "\U0001f44d\U0001f3fd"]
    images, point_size = render_glyphs(items, EMOJI, scale=scale)
    assert (point_size > 0) == (scale == "fixed")
    extents = []
    for image in images:
        colour = image.max(axis=-1).astype(int) - image.min(axis=-1)
        assert (colour > 40).mean() > 0.1
        height, width = _extent(image, threshold=250)
        # One glyph, not two side by side.
        assert width / height < 1.5
        extents.append(max(height, width))
    assert max(extents) == pytest.approx(BOX, abs=3)
    if scale == "fit":
        assert min(extents) == pytest.approx(BOX, abs=3)


def test_emoji_differ_from_each_other():
    items = ["\U0001f600", "\U0001f44d", "\U0001f44d\U0001f3fd"]
    images, _ = render_glyphs(items, EMOJI, scale="fit")
    assert not np.array_equal(images[0], images[1])
    assert not np.array_equal(images[1], images[2])


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="scale='auto', expected 'fixed' or 'fit'"):
        render_glyphs(["A"], SERIF, scale="auto")


def test_characters_the_layout_engine_refuses_come_back_without_ink():
    # raqm fails on NEXT LINE and PARAGRAPH SEPARATOR; the rest still renders.
    images, _ = render_glyphs(["A", "\u0085", "\u2029", "B"], FONTS / "DejaVuSans.ttf")
    assert images[1] is None and images[2] is None
    assert images[0] is not None and images[3] is not None


@pytest.mark.parametrize("scale", ["fixed", "fit"])
def test_pages_are_the_same_whatever_the_number_of_processes(tmp_path, scale):
    texts = [chr(c) for c in sorted(font_cmap(str(DEJAVU))) if c > 0x20][:300]
    texts[150:150] = [" ", "\u200b"]
    folders, blanks = [], []
    for workers in (1, 3):
        folder = tmp_path / f"{workers}"
        no_ink, _ = write_glyph_folder(texts, DEJAVU, folder, scale, workers=workers)
        folders.append({p.name: p.read_bytes() for p in folder.iterdir()})
        blanks.append(no_ink)
    assert blanks[0] == blanks[1]
    assert {" ", "\u200b"} <= set(blanks[0])
    assert folders[0] == folders[1]
    assert len(folders[0]) == len(texts) - len(blanks[0])
