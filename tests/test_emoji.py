"""Which emoji the bundled colour font draws as one glyph."""

from pathlib import Path

import numpy as np
import pytest

from deeparrange.emoji import _SequenceChecker, emoji_items
from deeparrange.glyphs import render_glyphs

FONTS = Path(__file__).parents[1] / "resources" / "fonts"
EMOJI = FONTS / "NotoColorEmoji.ttf"
VS16 = "\ufe0f"


def _england():
    tags = "".join(chr(0xE0000 + ord(c)) for c in "gbeng")
    return "\U0001f3f4" + tags + "\U000e007f"


@pytest.fixture(scope="module")
def items():
    return emoji_items(EMOJI)


@pytest.fixture(scope="module")
def singles():
    return emoji_items(EMOJI, include_sequences=False)


def test_counts_and_order(items, singles):
    assert 1300 <= len(singles) <= 1500
    assert 3000 <= len(items) <= 4000
    assert items == sorted(items, key=lambda t: [ord(c) for c in t])
    assert len(set(items)) == len(items)
    assert set(singles) < set(items)


def test_singles_are_one_code_point_with_optional_presentation_selector(singles):
    assert all(len(t.replace(VS16, "")) == 1 for t in singles)
    assert "\U0001f600" in singles  # GRINNING FACE
    assert "\u263a\ufe0f" in singles  # fully qualified, selector kept
    assert "\u263a" not in singles


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f1fa\U0001f1f8",  # flag: United States
        "#\ufe0f\u20e3",  # keycap
        "\U0001f44d\U0001f3fd",  # skin tone modifier
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # ZWJ family
        "\U0001f43b\u200d\u2744\ufe0f",  # ZWJ polar bear
        _england(),  # tag sequence
    ],
)
def test_sequences_the_font_ligates_are_listed(items, text):
    assert text in items


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f1e8\U0001f1f6",  # flag: Sark, drawn as the unknown-flag stand-in
        "\U0001f3c2\U0001f3fd",  # snowboarder: skin tone drawn like the base
        "\U0001fae9",  # Emoji 16, newer than the font
        "\U0001f3fb",  # a skin tone alone is a component, not an emoji
    ],
)
def test_what_the_font_cannot_draw_as_itself_is_left_out(items, text):
    assert text not in items


def test_a_font_without_emoji_sequences_gives_only_singles():
    dejavu = emoji_items(FONTS / "DejaVuSans.ttf")
    assert "\u263a\ufe0f" in dejavu
    assert all(len(t.replace(VS16, "")) == 1 for t in dejavu)


def test_sampled_sequences_render_as_one_square_colour_glyph(items):
    sequences = [t for t in items if len(t.replace(VS16, "")) > 1]
    sample = sequences[:: len(sequences) // 40]
    images, _ = render_glyphs(sample, EMOJI, scale="fit")
    for text, image in zip(sample, images, strict=True):
        ink = (image < 250).any(axis=-1)
        rows = np.flatnonzero(ink.any(axis=1))
        cols = np.flatnonzero(ink.any(axis=0))
        # Two glyphs side by side would be about twice as wide as tall.
        width, height = cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1
        assert width / height < 1.6, text


@pytest.mark.parametrize(
    ("text", "one_glyph"),
    [
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", True),
        ("\U0001f600\u200d\U0001f600", False),  # no such ligature: two faces
        ("\U0001f431\u200d\U0001f680", False),  # vendor-only "astronaut cat"
        ("\U0001f600\U0001f3fd", False),  # skin tone on a face: two glyphs
        ("A\ufe0f\u20e3", False),  # no keycap for letters
        ("\U0001f1e6\U0001f1e6", False),  # unknown flag stand-in
    ],
)
def test_sequence_check_tells_one_glyph_from_several(text, one_glyph):
    assert _SequenceChecker(EMOJI).is_one_glyph(text) == one_glyph
