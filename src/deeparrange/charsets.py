"""Which characters a glyph set holds, and which of them a font can draw.

A set names characters literally, by inclusive code point ranges, by Unicode
block name and by general category; the union is taken in code point order.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import emoji as emoji_data
from fontTools import unicodedata as font_unicodedata
from fontTools.ttLib import TTFont

# Surrogates and private use code points are never glyph candidates; unassigned
# ones are left to the font's character map, since Python's Unicode data may
# be older than the font.
_EXCLUDED_CATEGORIES = {"Cs", "Co"}
_MAX_CODE_POINT = 0x10FFFF
GENERAL_CATEGORIES = (
    "Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po "
    "Sm Sc Sk So Zs Zl Zp Cc Cf Cs Co Cn"
).split()
_VS16 = "\ufe0f"


@dataclass(frozen=True)
class Item:
    """One thing to draw: a character or a sequence of code points."""

    text: str

    @property
    def codepoints(self) -> str:
        """Code points as 'U+0041' or 'U+1F1FA U+1F1F8'."""
        return " ".join(f"U+{ord(c):04X}" for c in self.text)

    @property
    def name(self) -> str:
        """The Unicode name; for an emoji sequence its CLDR short name.

        An emoji presentation selector (U+FE0F) after one character does not
        make a sequence. Sequences that are no emoji get their parts' names
        joined by ' + '.
        """
        base = self.text.replace(_VS16, "") or self.text
        if len(base) == 1:
            # Python's Unicode data can be older than the emoji package's.
            fallback = _emoji_name(self.text) or f"U+{ord(base):04X}"
            return unicodedata.name(base, fallback)
        return _emoji_name(self.text) or " + ".join(
            unicodedata.name(c, f"U+{ord(c):04X}") for c in self.text
        )


def _emoji_name(text: str) -> str | None:
    data = emoji_data.EMOJI_DATA.get(text)
    return data["en"] if data else None


def block_names() -> list[str]:
    """All Unicode block names that the block selector accepts."""
    return [v for v in font_unicodedata.Blocks.VALUES if v != "No_Block"]


def block_range(name: str) -> tuple[int, int]:
    """Inclusive code point range of a Unicode block, by its name."""
    ranges = font_unicodedata.Blocks.RANGES
    values = font_unicodedata.Blocks.VALUES
    wanted = _normalise_block(name)
    for i, value in enumerate(values):
        if _normalise_block(value) == wanted:
            stop = ranges[i + 1] - 1 if i + 1 < len(ranges) else _MAX_CODE_POINT
            return ranges[i], stop
    raise ValueError(
        f"blocks: {name!r} is not a Unicode block name; use a name such as "
        f"'Arrows' or 'Box Drawing' (the full list is in Blocks.txt of the "
        f"Unicode Character Database)"
    )


def _normalise_block(name: str) -> str:
    # Unicode's loose matching for block names ignores case, spaces, - and _.
    return "".join(c for c in name.lower() if c not in " -_")


def select_codepoints(
    characters: str = "",
    ranges: list[list[int]] | None = None,
    blocks: list[str] | None = None,
    categories: list[str] | None = None,
) -> list[int]:
    """Code points named by a set's selectors, sorted and without repeats.

    `categories` alone selects from the whole code space; together with other
    selectors it filters what they name.
    """
    chosen: set[int] = {ord(c) for c in characters}
    spans = [_check_range(r) for r in ranges or []]
    spans += [block_range(b) for b in blocks or []]
    for start, stop in spans:
        chosen.update(range(start, stop + 1))
    if categories:
        wanted = _expand_categories(categories)
        pool = chosen if chosen else range(_MAX_CODE_POINT + 1)
        chosen = {cp for cp in pool if unicodedata.category(chr(cp)) in wanted}
    excluded = _EXCLUDED_CATEGORIES
    return sorted(cp for cp in chosen if unicodedata.category(chr(cp)) not in excluded)


def _check_range(span: list[int]) -> tuple[int, int]:
    """An inclusive [start, stop] code point range, checked."""
    if (
        not isinstance(span, list | tuple)
        or len(span) != 2
        or not all(isinstance(v, int) for v in span)
        or not 0 <= span[0] <= span[1] <= _MAX_CODE_POINT
    ):
        raise ValueError(
            f"ranges: {span!r} is not a code point range; give "
            f"[start, stop] with 0 <= start <= stop <= 0x10FFFF, e.g. "
            f"[0x2190, 0x21FF]"
        )
    return span[0], span[1]


def _expand_categories(categories: list[str]) -> set[str]:
    """General categories by two-letter name; one letter names its group."""
    wanted = set()
    for name in categories:
        matches = {c for c in GENERAL_CATEGORIES if c == name or c[0] == name}
        if not matches:
            raise ValueError(
                f"categories: {name!r} is not a Unicode general category; use "
                f"one of {' '.join(GENERAL_CATEGORIES)} or a group letter "
                f"such as 'L' for all letters"
            )
        wanted |= matches
    return wanted


@lru_cache(maxsize=16)
def font_cmap(font_path: str) -> frozenset[int]:
    """Code points that a font's character map covers."""
    with TTFont(font_path, lazy=True, fontNumber=0) as font:
        cmap = font.getBestCmap() or {}
    return frozenset(cmap)


def split_by_coverage(
    codepoints: list[int], font_path: str | Path
) -> tuple[list[int], list[int]]:
    """Split code points into those the font maps and those it lacks.

    Code points unassigned in Python's Unicode data that the font does not
    map either are no characters and appear in neither list.
    """
    covered = font_cmap(str(font_path))
    present = [cp for cp in codepoints if cp in covered]
    missing = [
        cp
        for cp in codepoints
        if cp not in covered and unicodedata.category(chr(cp)) != "Cn"
    ]
    return present, missing
