"""Draw glyphs of a font as square RGB images, black ink on white.

Glyph bitmaps come straight from FreeType through Pillow, one per item, with
no plotting library in between.
"""

import logging
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

GLYPH_SIZE = 224
# Size at which glyphs are measured before they are drawn at their final size.
_REFERENCE_PT = 200
# For scale "fixed" a small size is enough to find the largest item, whose
# size is then checked at the final size: 1.5x faster than measuring at 200.
_QUICK_PT = 48
_INK = (0, 0, 0, 255)
_PAPER = (255, 255, 255)


class GlyphFont:
    """A font that draws items as RGBA ink on a transparent canvas."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        engine = (
            ImageFont.Layout.RAQM
            if ImageFont.core.HAVE_RAQM
            else ImageFont.Layout.BASIC
        )
        self._engine = engine
        self._cache: dict[int, ImageFont.FreeTypeFont] = {}
        self.fixed_size = _bitmap_strike(self.path)
        self.colour = self.fixed_size is not None or _has_colour_tables(self.path)

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        """The font at a pixel size (the bitmap strike for bitmap-only fonts)."""
        size = self.fixed_size or size
        if size not in self._cache:
            self._cache[size] = ImageFont.truetype(
                self.path, size, layout_engine=self._engine
            )
        return self._cache[size]

    def ink(self, text: str, size: int) -> Image.Image | None:
        """The item's ink cropped to its bounding box, or None if it has none.

        Characters that the text layout engine refuses (raqm rejects some
        line and paragraph separators) have no drawable ink either.
        """
        font = self.font(size)
        try:
            left, top, right, bottom = font.getbbox(text)
        except (OSError, RuntimeError) as error:
            log.warning("cannot lay out %r (%s): left out", text, error)
            return None
        pad = 4
        shape = (right - left + 2 * pad, bottom - top + 2 * pad)
        if not self.colour:
            # One channel is enough for black ink: the coverage is the mask.
            coverage = Image.new("L", shape)
            ImageDraw.Draw(coverage).text(
                (pad - left, pad - top), text, font=font, fill=255
            )
            box = coverage.getbbox()
            return coverage.crop(box) if box else None
        canvas = Image.new("RGBA", shape)
        ImageDraw.Draw(canvas).text(
            (pad - left, pad - top), text, font=font, fill=_INK, embedded_color=True
        )
        box = canvas.getchannel("A").getbbox()
        return canvas.crop(box) if box else None


def _has_colour_tables(path: str) -> bool:
    """Whether a font draws in colour (COLR, CBDT, sbix or SVG tables)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return any(tag in font for tag in ("COLR", "CBDT", "sbix", "SVG "))


def _bitmap_strike(path: str) -> int | None:
    """The pixel size of a bitmap-only font (colour emoji), None if scalable."""
    try:
        ImageFont.truetype(path, _REFERENCE_PT)
    except OSError:
        # Bitmap-only fonts such as Noto Color Emoji offer a single strike.
        for size in (109, 136, 128, 160, 72, 64, 32):
            try:
                ImageFont.truetype(path, size)
            except OSError:
                continue
            return size
        raise
    return None


def render_glyphs(
    texts: list[str],
    font_path: str | Path,
    size: int = GLYPH_SIZE,
    scale: str = "fixed",
    margin: float = 0.1,
) -> tuple[list[np.ndarray | None], float]:
    """Draw each item centred on a white square.

    scale="fixed" draws every item at one point size, the largest at which the
    widest or tallest item of the set still fits inside the margin, so that
    size differences stay visible; scale="fit" scales each item to the box.
    Returns uint8 [size, size, 3] arrays (None where an item has no ink) and
    the point size used for "fixed" (0.0 for "fit").
    """
    pages, point_size = draw_glyphs(texts, font_path, size, scale, margin)
    arrays = [
        None if page is None else np.asarray(page.convert("RGB"), dtype=np.uint8)
        for page in pages
    ]
    return arrays, point_size


def draw_glyphs(
    texts: list[str],
    font_path: str | Path,
    size: int = GLYPH_SIZE,
    scale: str = "fixed",
    margin: float = 0.1,
) -> tuple[list[Image.Image | None], float]:
    """As render_glyphs, but Pillow pages: greyscale ("L") for plain fonts.

    Writing glyph PNGs from these skips a round trip through numpy and two
    thirds of the pixels.
    """
    if scale not in ("fixed", "fit"):
        raise ValueError(f"scale={scale!r}, expected 'fixed' or 'fit'")
    glyph_font = GlyphFont(font_path)
    box = size * (1 - 2 * margin)
    quick = scale == "fixed" and not glyph_font.fixed_size
    ref_pt = glyph_font.fixed_size or (_QUICK_PT if quick else _REFERENCE_PT)
    reference = [glyph_font.ink(t, ref_pt) for t in texts]

    common_pt = 0.0
    if scale == "fixed":
        extents = [max(im.size) if im is not None else 0 for im in reference]
        largest = int(np.argmax(extents))
        common_pt = ref_pt * box / extents[largest] if extents[largest] else 0.0
        if quick and common_pt:
            # Hinting at the small size is off by a pixel or so: calibrate.
            actual = glyph_font.ink(texts[largest], round(common_pt))
            common_pt *= box / max(actual.size)

    images: list[Image.Image | None] = []
    for text, ref in zip(texts, reference, strict=True):
        if ref is None:
            images.append(None)
            continue
        factor = common_pt / ref_pt if scale == "fixed" else box / max(ref.size)
        images.append(_place(glyph_font, text, ref, factor, ref_pt, size))
    return images, common_pt


def _place(
    glyph_font: GlyphFont,
    text: str,
    ref: Image.Image,
    factor: float,
    ref_pt: int,
    size: int,
) -> Image.Image:
    """Scale an item's ink by factor and centre it on a white square."""
    if glyph_font.fixed_size:
        shape = (max(1, round(ref.width * factor)), max(1, round(ref.height * factor)))
        ink = ref.resize(shape, Image.Resampling.LANCZOS)
    else:
        # Redraw at the target size so that FreeType hints the outline there.
        ink = glyph_font.ink(text, max(1, round(ref_pt * factor))) or ref
    offset = ((size - ink.width) // 2, (size - ink.height) // 2)
    if ink.mode == "L":
        page = Image.new("L", (size, size), _PAPER[0])
        box = (*offset, offset[0] + ink.width, offset[1] + ink.height)
        page.paste(_INK[0], box, mask=ink)
        return page
    page = Image.new("RGB", (size, size), _PAPER)
    page.paste(ink, offset, mask=ink)
    return page
