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
        # Colour inks measured for extent(), kept until ink() draws them once.
        self._measured: dict[tuple[str, int], Image.Image | None] = {}
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
        if (text, size) in self._measured:
            return self._measured.pop((text, size))
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

    def extent(self, text: str, size: int) -> int:
        """The larger side of the item's ink box in pixels, 0 if it has none."""
        if self.colour:
            # Colour bitmaps cost a PNG decode each: measure once, draw once.
            ink = self._measured[text, size] = self.ink(text, size)
            return max(ink.size) if ink else 0
        try:
            # The glyph's coverage mask alone: 2.5x faster than drawing it.
            box = self.font(size).getmask(text, mode="L").getbbox()
        except (OSError, RuntimeError) as error:
            log.warning("cannot lay out %r (%s): left out", text, error)
            return 0
        return max(box[2] - box[0], box[3] - box[1]) if box else 0


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
    glyph_font = GlyphFont(font_path)
    point_size = common_point_size(glyph_font, texts, size, scale, margin)
    pages = [
        draw_page(glyph_font, text, point_size, size, scale, margin) for text in texts
    ]
    return pages, point_size


def common_point_size(
    glyph_font: GlyphFont,
    texts: list[str],
    size: int = GLYPH_SIZE,
    scale: str = "fixed",
    margin: float = 0.1,
) -> float:
    """For scale "fixed", the point size at which the set's largest item fits.

    Returns 0.0 for scale "fit" (each item gets its own size) and for a set
    without ink.
    """
    if scale not in ("fixed", "fit"):
        raise ValueError(f"scale={scale!r}, expected 'fixed' or 'fit'")
    if scale == "fit":
        return 0.0
    box = size * (1 - 2 * margin)
    ref_pt = glyph_font.fixed_size or _QUICK_PT
    extents = [glyph_font.extent(t, ref_pt) for t in texts]
    largest = int(np.argmax(extents)) if extents else 0
    if not extents or not extents[largest]:
        return 0.0
    point_size = ref_pt * box / extents[largest]
    if not glyph_font.fixed_size:
        # Hinting at the small size is off by a pixel or so: calibrate.
        point_size *= box / glyph_font.extent(texts[largest], round(point_size))
    return point_size


def draw_page(
    glyph_font: GlyphFont,
    text: str,
    point_size: float,
    size: int = GLYPH_SIZE,
    scale: str = "fixed",
    margin: float = 0.1,
) -> Image.Image | None:
    """One item centred on a white square page, or None if it has no ink.

    point_size is common_point_size's answer; it is ignored for scale "fit".
    """
    box = size * (1 - 2 * margin)
    if glyph_font.fixed_size:
        # Bitmap fonts draw at their one strike, then scale.
        ink = glyph_font.ink(text, glyph_font.fixed_size)
        if ink is None:
            return None
        factor = (
            point_size / glyph_font.fixed_size
            if scale == "fixed"
            else box / max(ink.size)
        )
        shape = (max(1, round(ink.width * factor)), max(1, round(ink.height * factor)))
        ink = ink.resize(shape, Image.Resampling.LANCZOS)
    elif scale == "fixed":
        ink = glyph_font.ink(text, max(1, round(point_size)))
    else:
        # Measure at a large size, then redraw at the size that fills the box
        # so that FreeType hints the outline there.
        extent = glyph_font.extent(text, _REFERENCE_PT)
        ink = extent and glyph_font.ink(
            text, max(1, round(_REFERENCE_PT * box / extent))
        )
    if not ink:
        return None
    offset = ((size - ink.width) // 2, (size - ink.height) // 2)
    if ink.mode == "L":
        page = Image.new("L", (size, size), _PAPER[0])
        corner = (*offset, offset[0] + ink.width, offset[1] + ink.height)
        page.paste(_INK[0], corner, mask=ink)
        return page
    page = Image.new("RGB", (size, size), _PAPER)
    page.paste(ink, offset, mask=ink)
    return page
