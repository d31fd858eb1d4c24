"""Draw arrangements as one mosaic image with a caption.

Tiles are pasted into one array streamed from `letters.h5`, so memory is
bounded by the output image, not by the set.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from deeparrange import store
from deeparrange.glyphs import GlyphFont

# Longest side of a mosaic in pixels; tiles shrink to fit it, never grow past
# the 224 px of the source images.
MAX_SIDE = 4800
MIN_TILE = 12
_READ_CHUNK = 64
# Tableau 10, readable on white and distinct for the usual handful of clusters.
PALETTE = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40),
    (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
    (188, 189, 34), (23, 190, 207),
]  # fmt: skip
# Cells without an item stay paper white: on a print they read as spacing,
# where a grey block reads as a missing image.
_EMPTY_CELL = (255, 255, 255)


@dataclass
class Caption:
    """What the caption under a figure says."""

    title: str
    details: str
    warning: str = ""


def tile_size(rows: int, cols: int, source: int = 224) -> int:
    """Tile edge in pixels so the mosaic's longest side stays within MAX_SIDE."""
    return int(max(MIN_TILE, min(source, MAX_SIDE // max(rows, cols))))


def cluster_colour(cluster: int) -> tuple[int, int, int]:
    """Colour of a cluster: Tableau 10, then evenly spaced hues beyond ten."""
    if cluster < len(PALETTE):
        return PALETTE[cluster]
    hue = (cluster * 0.618034) % 1.0
    rgb = Image.new("HSV", (1, 1), (int(hue * 255), 170, 220)).convert("RGB")
    return rgb.getpixel((0, 0))


def mosaic(
    h5_path: str | Path,
    cells: np.ndarray,
    rows: int,
    cols: int,
    labels: np.ndarray | None = None,
    tint: float = 0.35,
) -> np.ndarray:
    """The arrangement as uint8 [rows * tile, cols * tile, 3].

    With cluster labels, each tile is tinted with its cluster's colour by
    multiplying, so dark ink stays dark and the paper takes the colour.
    Images stream from the file a chunk at a time, so memory holds the output
    image and one chunk.
    """
    cells = np.asarray(cells)
    tile = tile_size(rows, cols)
    out = np.empty((rows * tile, cols * tile, 3), dtype=np.uint8)
    out[:] = _EMPTY_CELL
    if labels is not None:
        labels = np.asarray(labels)
        colours = np.array(
            [cluster_colour(c) for c in range(int(labels.max(initial=0)) + 1)],
            dtype=np.float32,
        )
        factors = 1.0 - tint + tint * colours / 255.0
    chunks = store.iter_batches(h5_path, 0, len(cells), _READ_CHUNK, thumbnails=True)
    for start, chunk in chunks:
        tiles = np.stack([_resize(image, tile) for image in chunk])
        if labels is not None:
            factor = factors[labels[start : start + len(chunk)]][:, None, None, :]
            tiles = (tiles * factor).round().astype(np.uint8)
        for offset, small in enumerate(tiles):
            row, col = divmod(int(cells[start + offset]), cols)
            out[row * tile : (row + 1) * tile, col * tile : (col + 1) * tile] = small
    return out


def _resize(image: np.ndarray, tile: int) -> np.ndarray:
    """Resize a square image to tile x tile with an antialiasing filter.

    Shrinking by 4x or more first averages blocks of pixels (Pillow's
    reducing_gap), then applies Lanczos: half the work, and no difference to
    see at the size of a tile.
    """
    if image.shape[0] == tile and image.shape[1] == tile:
        return image
    resized = Image.fromarray(image).resize(
        (tile, tile), Image.Resampling.LANCZOS, reducing_gap=2.0
    )
    return np.asarray(resized)


def _font(size: int) -> ImageFont.FreeTypeFont:
    path = Path(__file__).resolve().parents[2] / "resources/fonts/DejaVuSans.ttf"
    return ImageFont.truetype(str(path), size)


def with_caption(
    image: np.ndarray,
    caption: Caption,
    legend: list[tuple[tuple[int, int, int], str]] | None = None,
) -> Image.Image:
    """Frame a mosaic with a caption, a legend and, if any, a weights warning.

    The warning sits in a strip above the mosaic's top right corner, so it is
    seen first and never covers a tile.
    """
    height, width = image.shape[:2]
    unit = max(16, width // 80)
    pad = unit
    title_font, body_font = _font(int(unit * 1.5)), _font(unit)
    legend = legend or []
    slot = unit * 14
    per_row = max(1, (width - 2 * pad) // slot)
    legend_rows = -(-len(legend) // per_row)
    top = pad + (int(unit * 2.2) if caption.warning else 0)
    bottom = int(unit * 2.1) + int(unit * 1.5) + legend_rows * int(unit * 1.6)
    page = Image.new("RGB", (width + 2 * pad, top + height + 2 * pad + bottom), "white")
    page.paste(Image.fromarray(image), (pad, top))
    draw = ImageDraw.Draw(page)
    if caption.warning:
        _stamp(draw, caption.warning, page.width - pad, pad // 2, body_font)
    y = top + height + pad
    draw.text((pad, y), caption.title, fill=(20, 20, 20), font=title_font)
    y += int(unit * 2.1)
    draw.text((pad, y), caption.details, fill=(60, 60, 60), font=body_font)
    y += int(unit * 1.5)
    for i, (colour, label) in enumerate(legend):
        row, col = divmod(i, per_row)
        x, line = pad + col * slot, y + row * int(unit * 1.6)
        draw.rectangle([x, line, x + unit, line + unit], fill=colour)
        draw.text((x + int(unit * 1.5), line), label, fill=(30, 30, 30), font=body_font)
    return page


def _stamp(draw: ImageDraw.ImageDraw, text: str, right: int, top: int, font) -> None:
    """A red framed label ending at `right`, for results not to be trusted."""
    left_, top_, right_, bottom_ = draw.textbbox((0, 0), text, font=font)
    margin = font.size // 3
    x = right - (right_ - left_) - 2 * margin
    box = [x, top, right, top + (bottom_ - top_) + 2 * margin]
    draw.rectangle(box, outline=(200, 0, 0), width=2)
    draw.text(
        (x + margin - left_, top + margin - top_), text, fill=(200, 0, 0), font=font
    )


def save_png(page: Image.Image, path: str | Path, metadata: dict[str, str]) -> None:
    """Save a figure with its provenance in PNG text chunks, atomically."""
    info = PngImagePlugin.PngInfo()
    for key, value in sorted(metadata.items()):
        info.add_text(key, value)
    path = Path(path)
    partial = path.with_name(path.name + ".partial.png")
    page.save(partial, format="PNG", pnginfo=info, optimize=False)
    partial.replace(path)


def sentences_figure(
    sentences: list[list[str]],
    font_path: str | Path,
    items_per_line: int = 33,
    point_size: int = 44,
) -> Image.Image:
    """The pseudo-sentences set in the set's own font, one block per cluster.

    Each sentence is a list of items, so that emoji sequences stay whole.
    Bitmap-only fonts are drawn at their one size and the page scaled down.
    """
    strike = GlyphFont(font_path).fixed_size
    size = strike or point_size
    font = ImageFont.truetype(str(font_path), size, layout_engine=_layout())
    label_font = _font(int(size * 0.55))
    line_height = int(size * 1.5)
    blocks = [_wrap(sentence, items_per_line) for sentence in sentences]
    width = int(size * 0.75 * items_per_line) + 2 * size
    if strike:
        width = int(size * 1.3 * items_per_line) + 2 * size
    height = size + sum(line_height * (len(b) + 1) for b in blocks)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    y = size // 2
    for cluster, lines in enumerate(blocks):
        draw.text(
            (size, y),
            f"cluster {cluster}",
            font=label_font,
            fill=cluster_colour(cluster),
        )
        y += int(line_height * 0.8)
        for line in lines:
            draw.text(
                (size, y), line, font=font, fill=(20, 20, 20), embedded_color=True
            )
            y += line_height
        y += line_height // 5
    if strike:
        shape = (round(width * point_size / size), round(height * point_size / size))
        page = page.resize(shape, Image.Resampling.LANCZOS)
    return page


def _layout():
    return ImageFont.Layout.RAQM if ImageFont.core.HAVE_RAQM else ImageFont.Layout.BASIC


def _wrap(items: list[str], width: int) -> list[str]:
    return ["".join(items[i : i + width]) for i in range(0, len(items), width)]


def weights_text(embedding_meta: dict) -> tuple[str, str]:
    """How the weights read in a caption, and a warning unless ImageNet's."""
    kind = embedding_meta.get("weights")
    if kind == "none":
        return "given vectors, no network", ""
    if kind == "imagenet":
        return "ResNet-50 (ImageNet weights)", ""
    if kind == "random":
        seed = embedding_meta.get("weights_seed")
        return (
            f"ResNet-50 (RANDOM weights, seed {seed})",
            "RANDOM WEIGHTS - not ImageNet",
        )
    name = embedding_meta.get("weights_file", "?")
    digest = embedding_meta.get("weights_sha256", "")[:12]
    return (
        f"ResNet-50 (weights from {name}, sha256 {digest})",
        f"weights: {name} - not the ImageNet file",
    )


def caption_for(
    set_name: str,
    n: int,
    rows: int,
    cols: int,
    embedding_meta: dict,
    layout_meta: dict,
    source: str,
) -> Caption:
    """The caption of a set's arrangement: what, how many, how it was made."""
    weights, warning = weights_text(embedding_meta)
    details = (
        f"{n} items from {Path(source).name} on a {rows}x{cols} grid; {weights}; "
        f"layout {layout_meta.get('method', '?')}"
    )
    return Caption(title=set_name, details=details, warning=warning)
