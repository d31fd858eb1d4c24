"""Read a folder of image files into square RGB arrays for the network.

Reads every image file under a folder, one at a time; returns network inputs,
display thumbnails, labels (relative paths) and the files it had to skip.
"""

import logging
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageFile, ImageOps

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif")
# Pillow's own default warns at about 89 megapixels; 100 leaves room for
# large camera files while a crafted header still cannot claim gigapixels.
# Pillow checks the header's size on open; its warning counts as an error.
MAX_PIXELS = 100_000_000
FITS = ("pad", "crop")
# Modes that Pillow converts to RGB without loss of meaning; 16- and 32-bit
# integer greyscale is scaled separately, float and colour spaces such as
# LAB or HSV have no agreed display range and are refused.
_RGB_MODES = {"1", "L", "P", "RGB", "RGBX", "CMYK", "YCbCr"}
_ALPHA_MODES = {"LA", "La", "PA", "RGBA", "RGBa"}
_WIDE_GREY_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N"}
# Errors through which Pillow reports a file it cannot decode.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    EOFError,
    ValueError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


@dataclass
class FolderSet:
    """Images read from a folder, in file order, and the files left out."""

    images: np.ndarray  # uint8 [N, size, size, 3], the network's input
    thumbnails: np.ndarray  # uint8 [N, thumb, thumb, 3], whole image, contained
    labels: list[str]  # relative POSIX paths
    skipped: pd.DataFrame  # columns path, reason


class UnreadableImageError(Exception):
    """A file that is not an image that this module can use; args[0] says why."""


def list_image_files(root: str | Path) -> list[Path]:
    """Image files under root by extension, recursive and sorted; opens none."""
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(
            f"image folder {str(root)!r} does not exist or is not a folder; "
            f"check the set's 'folder' path"
        )
    found = []
    for folder, dirs, files in os.walk(root):
        # Hidden folders hold version control data and thumbnail caches.
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(IMAGE_EXTENSIONS):
                found.append(Path(folder, name))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def load_folder(
    root: str | Path,
    size: int = 224,
    fit: str = "pad",
    background: tuple[int, int, int] = (255, 255, 255),
    thumb_size: int = 224,
    max_pixels: int = MAX_PIXELS,
) -> FolderSet:
    """Read every image under root, fitted into size x size RGB squares.

    fit="pad" keeps the whole image and pads it with the background colour;
    fit="crop" fills the square and crops the longer side around the centre.
    Thumbnails always keep the whole image. Files that cannot be read are
    listed in `skipped` with the reason; max_pixels caps width x height.
    """
    if fit not in FITS:
        raise ValueError(f"fit={fit!r}, expected one of {FITS}")
    counts = (("size", size), ("thumb_size", thumb_size), ("max_pixels", max_pixels))
    for name, value in counts:
        if value < 1:
            raise ValueError(f"{name}={value}, expected a positive pixel count")
    background = tuple(int(c) for c in background)
    if len(background) != 3 or not all(0 <= c <= 255 for c in background):
        raise ValueError(f"background={background}, expected three values 0-255")
    root = Path(root)
    paths = list_image_files(root)
    if not paths:
        raise ValueError(
            f"image folder {str(root)!r} holds no image files (extensions "
            f"{', '.join(IMAGE_EXTENSIONS)}); point the set at a folder of images"
        )

    start = time.perf_counter()
    images, thumbnails, labels, skipped = [], [], [], []
    with _strict_decoding(max_pixels):
        for path in paths:
            label = path.relative_to(root).as_posix()
            try:
                rgb = _read_rgb(path, background, max(size, thumb_size))
            except UnreadableImageError as err:
                skipped.append((label, err.args[0]))
                continue
            images.append(_fit_square(rgb, size, fit, background))
            thumbnails.append(_fit_square(rgb, thumb_size, "pad", background))
            labels.append(label)
    elapsed = time.perf_counter() - start

    log.info(
        "read %d of %d image files under %s in %.1f s (%.1f images/s), skipped %d",
        len(labels),
        len(paths),
        root,
        elapsed,
        len(paths) / elapsed if elapsed else 0.0,
        len(skipped),
    )
    for label, reason in skipped:
        log.warning("skipped %s: %s", label, reason)
    if not labels:
        first = "; ".join(f"{p}: {r}" for p, r in skipped[:3])
        raise ValueError(
            f"image folder {str(root)!r}: none of its {len(paths)} image files "
            f"could be read ({first}); replace or remove the broken files"
        )
    return FolderSet(
        images=np.stack(images),
        thumbnails=np.stack(thumbnails),
        labels=labels,
        skipped=pd.DataFrame(skipped, columns=["path", "reason"]),
    )


@contextmanager
def _strict_decoding(max_pixels: int) -> Iterator[None]:
    """Refuse truncated data and images over max_pixels, then restore Pillow."""
    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS = max_pixels
    # Another library in the process may have switched truncated loading on.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _read_rgb(path: Path, background: tuple[int, ...], target: int) -> Image.Image:
    """The file's first frame, upright, as RGB on the background colour."""
    if path.stat().st_size == 0:
        raise UnreadableImageError("empty file (0 bytes)")
    try:
        im = Image.open(path)
    except Image.UnidentifiedImageError:
        raise UnreadableImageError("not an image that Pillow can identify") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise UnreadableImageError(
            f"too many pixels ({err}); downscale it or raise max_pixels"
        ) from None
    except _DECODE_ERRORS as err:
        raise UnreadableImageError(f"broken image header ({err})") from None
    with im:
        if im.mode not in _RGB_MODES | _ALPHA_MODES | _WIDE_GREY_MODES:
            raise UnreadableImageError(
                f"unsupported pixel mode {im.mode!r} ({im.format}); save it as "
                f"8-bit RGB or greyscale"
            )
        try:
            # JPEG can decode at 1/2, 1/4 or 1/8 scale, still at least target.
            im.draft(im.mode, (target, target))
            # load() decodes every byte, so truncated data raises here.
            im.load()
            upright = ImageOps.exif_transpose(im)
        except _DECODE_ERRORS as err:
            raise UnreadableImageError(
                f"broken or truncated image data ({err})"
            ) from None
    return _to_rgb(upright, background)


def _to_rgb(im: Image.Image, background: tuple[int, ...]) -> Image.Image:
    """Convert any accepted mode to RGB, compositing transparency on background."""
    if im.mode in _WIDE_GREY_MODES:
        grey = np.asarray(im, dtype=np.float64)
        # 16-bit files use 0-65535; a 32-bit "I" image from an 8-bit
        # source stays within 0-255 and must not be darkened.
        scale = 257.0 if grey.max() > 255 else 1.0
        grey = np.clip(np.rint(grey / scale), 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    has_alpha = im.mode in _ALPHA_MODES or "transparency" in im.info
    if not has_alpha:
        return im.convert("RGB")
    rgba = im.convert("RGBA")
    page = Image.new("RGB", rgba.size, background)
    page.paste(rgba, mask=rgba.getchannel("A"))
    return page


def _fit_square(
    im: Image.Image, size: int, fit: str, background: tuple[int, ...]
) -> np.ndarray:
    """Fit an RGB image into a size x size square: uint8 [size, size, 3]."""
    width, height = im.size
    if fit == "pad":
        scale = size / max(width, height)
    else:
        scale = size / min(width, height)
    shape = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = im.resize(shape, Image.Resampling.LANCZOS, reducing_gap=3.0)
    page = Image.new("RGB", (size, size), background)
    page.paste(resized, ((size - shape[0]) // 2, (size - shape[1]) // 2))
    return np.asarray(page, dtype=np.uint8)
