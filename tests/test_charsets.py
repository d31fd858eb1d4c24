"""Charset selectors, font coverage and item labels."""

import unicodedata
from pathlib import Path

import pytest

from deeparrange.charsets import (
    Item,
    block_names,
    block_range,
    select_codepoints,
    split_by_coverage,
)

FONTS = Path(__file__).parents[1] / "resources" / "fonts"
DEJAVU = FONTS / "DejaVuSans.ttf"


def test_literal_characters_are_sorted_without_repeats():
    assert select_codepoints(characters="cabba") == [0x61, 0x62, 0x63]


def test_ranges_are_inclusive():
    assert select_codepoints(ranges=[[0x41, 0x43], [0x42, 0x44]]) == [
        0x41,
        0x42,
        0x43,
        0x44,
    ]


@pytest.mark.parametrize("bad", [[0x43, 0x41], [0x41], [-1, 5], [0, 0x110000], 7])
def test_bad_ranges_are_refused(bad):
    with pytest.raises(ValueError, match=r"ranges: .* is not a code point range"):
        select_codepoints(ranges=[bad])


@pytest.mark.parametrize("name", ["Arrows", "arrows", "ARROWS"])
def test_block_by_name_with_loose_matching(name):
    assert block_range(name) == (0x2190, 0x21FF)
    assert select_codepoints(blocks=[name]) == list(range(0x2190, 0x2200))


def test_block_names_match_loosely_across_spaces_and_hyphens():
    assert block_range("box_drawing") == block_range("Box Drawing")
    assert block_range("latin extended b") == (0x0180, 0x024F)
    assert "Box Drawing" in block_names()
    assert "No_Block" not in block_names()


def test_unknown_block_name_says_what_to_use():
    with pytest.raises(ValueError, match=r"blocks: 'Arrowz' is not a Unicode block"):
        select_codepoints(blocks=["Arrowz"])


def test_categories_filter_other_selectors():
    ascii_upper = select_codepoints(ranges=[[0x20, 0x7E]], categories=["Lu"])
    assert ascii_upper == list(range(0x41, 0x5B))


def test_category_letter_names_its_group():
    letters = select_codepoints(ranges=[[0x20, 0x7E]], categories=["L"])
    assert letters == list(range(0x41, 0x5B)) + list(range(0x61, 0x7B))


def test_categories_alone_select_from_the_whole_code_space():
    titlecase = select_codepoints(categories=["Lt"])
    assert 0x01C5 in titlecase  # LATIN CAPITAL LETTER D WITH SMALL LETTER Z WITH CARON
    assert 0x1F88 in titlecase  # GREEK CAPITAL LETTER ALPHA WITH PSILI AND ...
    assert 0x41 not in titlecase


def test_unknown_category_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"categories: 'Lx' .* Lu Ll Lt"):
        select_codepoints(characters="a", categories=["Lx"])


def test_selectors_combine_as_a_union():
    chosen = select_codepoints(characters="z", ranges=[[0x41, 0x42]], blocks=["Arrows"])
    assert chosen == [0x41, 0x42, 0x7A, *range(0x2190, 0x2200)]


def test_surrogates_and_private_use_are_never_selected():
    assert select_codepoints(ranges=[[0xD800, 0xDFFF], [0xE000, 0xF8FF]]) == []


def test_coverage_splits_what_the_font_lacks():
    hebrew = select_codepoints(blocks=["Hebrew"])
    present, missing = split_by_coverage(hebrew, DEJAVU)
    assert 0x05D0 in present  # HEBREW LETTER ALEF
    assert 0x0591 in missing  # HEBREW ACCENT ETNAHTA, not in DejaVu Sans
    left_out = set(hebrew) - set(present) - set(missing)
    assert 0x05C8 in left_out
    assert all(unicodedata.category(chr(cp)) == "Cn" for cp in left_out)


def test_unassigned_code_points_the_font_lacks_are_not_reported():
    greek = select_codepoints(blocks=["Greek and Coptic"])
    present, missing = split_by_coverage(greek, DEJAVU)
    assert 0x0378 in greek  # unassigned
    assert 0x0378 not in present + missing
    assert 0x03B1 in present


@pytest.mark.parametrize(
    ("text", "codepoints", "name"),
    [
        ("A", "U+0041", "LATIN CAPITAL LETTER A"),
        ("\U0001f600", "U+1F600", "GRINNING FACE"),
        ("\u263a\ufe0f", "U+263A U+FE0F", "WHITE SMILING FACE"),
        ("\U0001f1fa\U0001f1f8", "U+1F1FA U+1F1F8", ":United_States:"),
        ("#\ufe0f\u20e3", "U+0023 U+FE0F U+20E3", ":keycap_#:"),
        ("\U0001f44d\U0001f3fd", "U+1F44D U+1F3FD", ":thumbs_up_medium_skin_tone:"),
        (
            "\U0001f43b\u200d\u2744\ufe0f",
            "U+1F43B U+200D U+2744 U+FE0F",
            ":polar_bear:",
        ),
        ("ab", "U+0061 U+0062", "LATIN SMALL LETTER A + LATIN SMALL LETTER B"),
        ("\U000e0001", "U+E0001", "LANGUAGE TAG"),
    ],
)
def test_item_labels(text, codepoints, name):
    assert Item(text).codepoints == codepoints
    assert Item(text).name == name


@pytest.mark.skipif(
    unicodedata.name("\U0001fae9", None) is not None,
    reason="this Python's Unicode data already names U+1FAE9",
)
def test_emoji_newer_than_python_get_their_cldr_name():
    assert Item("\U0001fae9").name == ":face_with_bags_under_eyes:"
