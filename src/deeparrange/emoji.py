"""List the emoji that a colour font draws, each as one glyph.

Reads the `emoji` package's copy of Unicode's emoji data and the font's
character map; shapes each sequence to check that it forms a single glyph.
"""

import hashlib
import logging
import time
from pathlib import Path

import emoji as emoji_data
from PIL import ImageFont

from deeparrange.charsets import font_cmap
from deeparrange.glyphs import GlyphFont

log = logging.getLogger(__name__)

_VS16 = "\ufe0f"
# Valid in form, never assigned: fonts that draw unknown flags with a
# placeholder ("white flag with a question mark") draw it for these.
_UNASSIGNED_FLAGS = (
    "\U0001f1ff\U0001f1ff",
    "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "zzzzz") + "\U000e007f",
)


def emoji_items(font_path: str | Path, include_sequences: bool = True) -> list[str]:
    """Fully-qualified emoji that the font draws as one glyph, by code point.

    Single emoji (one code point, with its U+FE0F presentation selector if
    Unicode lists one) count when the font maps the code point. Sequences
    (skin tones, flags, keycaps, ZWJ sequences) count when shaping turns them
    into one glyph of one emoji's width that differs from their first code
    point's glyph and from the font's placeholder for unknown flags.
    """
    start = time.perf_counter()
    cmap = font_cmap(str(font_path))
    fully_qualified = emoji_data.STATUS["fully_qualified"]
    candidates = sorted(
        text
        for text, data in emoji_data.EMOJI_DATA.items()
        if data["status"] == fully_qualified
        # Fonts rarely map U+FE0F; shaping then drops it as default ignorable.
        and all(ord(c) in cmap for c in text.replace(_VS16, ""))
    )
    singles = [t for t in candidates if len(t.replace(_VS16, "")) == 1]
    items = singles
    if include_sequences:
        checker = _SequenceChecker(font_path)
        sequences = [t for t in candidates if len(t.replace(_VS16, "")) > 1]
        items = sorted(singles + [t for t in sequences if checker.is_one_glyph(t)])
    log.info(
        "%d emoji in %s (%d single code points, %d sequences) in %.1f s",
        len(items),
        Path(font_path).name,
        len(singles),
        len(items) - len(singles),
        time.perf_counter() - start,
    )
    return items


class _SequenceChecker:
    """Shapes and draws sequences with the font to see if they form one glyph."""

    def __init__(self, font_path: str | Path):
        self._glyphs = GlyphFont(font_path)
        # Pillow only shapes (ligatures, ZWJ) with the raqm layout engine.
        if not ImageFont.core.HAVE_RAQM:
            raise RuntimeError(
                "emoji sequences need Pillow built with libraqm for text shaping; "
                "install a Pillow wheel with raqm or set include_sequences=False"
            )
        self._size = self._glyphs.fixed_size or 109
        self._font = self._glyphs.font(self._size)
        self._first_ink: dict[str, bytes] = {}
        self._placeholders = {
            self._ink(text)
            for text in _UNASSIGNED_FLAGS
            if self._one_advance(text, text[0])
        }

    def is_one_glyph(self, text: str) -> bool:
        """Whether text shapes to one glyph that is not a stand-in."""
        first = text[0]
        if not self._one_advance(text, first):
            return False
        if first not in self._first_ink:
            self._first_ink[first] = self._ink(first)
        ink = self._ink(text)
        return ink != self._first_ink[first] and ink not in self._placeholders

    def _one_advance(self, text: str, first: str) -> bool:
        # Zero-width joiners and tags have no advance; any second visible glyph
        # adds a whole advance.
        return abs(self._font.getlength(text) - self._font.getlength(first)) < 0.5

    def _ink(self, text: str) -> bytes:
        """A digest of the drawn item, equal for equal drawings."""
        image = self._glyphs.ink(text, self._size)
        if image is None:
            return b""
        digest = hashlib.blake2b(repr(image.size).encode())
        digest.update(image.tobytes())
        return digest.digest()
