"""Read a folder of image files into square RGB arrays for the network.

Reads every image file under a folder, one at a time, in batches: network
inputs, display thumbnails, labels (relative paths) and the files it had to
skip. pack_folder streams them into a letters.h5 with bounded memory.
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

from deeparrange import store

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
# Files read per batch: 77 MB of images and thumbnails at 224 px.
BATCH_SIZE = 256
PROGRESS_SECONDS = 30


@dataclass
class FolderSet:
    """Images read from a folder, in file order, and the files left out."""

    images: np.ndarray  # uint8 [N, size, size, 3], the network's input
    thumbnails: np.ndarray  # uint8 [N, thumb, thumb, 3], whole image, contained
    labels: list[str]  # relative POSIX paths
    skipped: pd.DataFrame  # columns path, reason


@dataclass
class FolderBatch:
    """The readable files of a run of consecutive files, in file order."""

    images: np.ndarray  # uint8 [B, size, size, 3]
    thumbnails: np.ndarray  # uint8 [B, thumb, thumb, 3]
    labels: list[str]  # relative POSIX paths


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


class FolderReader:
    """The images under root, fitted into size x size RGB squares, in batches.

    fit="pad" keeps the whole image and pads it with the background colour;
    fit="crop" fills the square and crops the longer side around the centre.
    Thumbnails always keep the whole image. Iterating reads batch_size files
    at a time and yields a FolderBatch of those it could read; the others go
    to `skipped` as (path, reason). max_pixels caps width x height.
    """

    def __init__(
        self,
        root: str | Path,
        size: int = 224,
        fit: str = "pad",
        background: tuple[int, int, int] = (255, 255, 255),
        thumb_size: int = 224,
        max_pixels: int = MAX_PIXELS,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if fit not in FITS:
            raise ValueError(f"fit={fit!r}, expected one of {FITS}")
        counts = (
            ("size", size),
            ("thumb_size", thumb_size),
            ("max_pixels", max_pixels),
        )
        for name, value in counts:
            if value < 1:
                raise ValueError(f"{name}={value}, expected a positive pixel count")
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size}, expected a positive count")
        background = tuple(int(c) for c in background)
        if len(background) != 3 or not all(0 <= c <= 255 for c in background):
            raise ValueError(f"background={background}, expected three values 0-255")
        self.root = Path(root)
        self.paths = list_image_files(self.root)
        if not self.paths:
            raise ValueError(
                f"image folder {str(self.root)!r} holds no image files (extensions "
                f"{', '.join(IMAGE_EXTENSIONS)}); point the set at a folder of images"
            )
        self.size, self.fit, self.background = size, fit, background
        self.thumb_size, self.max_pixels = thumb_size, max_pixels
        self.batch_size = batch_size
        self.skipped: list[tuple[str, str]] = []

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return (self.size, self.size, 3)

    @property
    def thumb_shape(self) -> tuple[int, int, int]:
        return (self.thumb_size, self.thumb_size, 3)

    def skipped_table(self) -> pd.DataFrame:
        """The files left out so far, with columns path, reason."""
        return pd.DataFrame(self.skipped, columns=["path", "reason"])

    def __iter__(self) -> Iterator[FolderBatch]:
        self.skipped = []
        start = last_report = time.perf_counter()
        read = 0
        for first in range(0, len(self.paths), self.batch_size):
            # Pillow's limits are process-wide: hold them only while reading.
            with _strict_decoding(self.max_pixels):
                batch = self._read(self.paths[first : first + self.batch_size])
            read += len(batch.labels)
            if time.perf_counter() - last_report > PROGRESS_SECONDS:
                last_report = time.perf_counter()
                done = min(first + self.batch_size, len(self.paths))
                log.info("read %d of %d image files", done, len(self.paths))
            if batch.labels:
                yield batch
        elapsed = time.perf_counter() - start

        log.info(
            "read %d of %d image files under %s in %.1f s (%.1f images/s), skipped %d",
            read,
            len(self.paths),
            self.root,
            elapsed,
            len(self.paths) / elapsed if elapsed else 0.0,
            len(self.skipped),
        )
        for label, reason in self.skipped:
            log.warning("skipped %s: %s", label, reason)
        if not read:
            first = "; ".join(f"{p}: {r}" for p, r in self.skipped[:3])
            raise ValueError(
                f"image folder {str(self.root)!r}: none of its {len(self.paths)} "
                f"image files could be read ({first}); replace or remove the "
                "broken files"
            )

    def _read(self, paths: list[Path]) -> FolderBatch:
        """The readable files among paths; the others are added to skipped."""
        images = np.empty((len(paths), *self.image_shape), dtype=np.uint8)
        thumbnails = np.empty((len(paths), *self.thumb_shape), dtype=np.uint8)
        labels = []
        target = max(self.size, self.thumb_size)
        for path in paths:
            label = path.relative_to(self.root).as_posix()
            try:
                rgb = _read_rgb(path, self.background, target)
            except UnreadableImageError as err:
                self.skipped.append((label, err.args[0]))
                continue
            i = len(labels)
            images[i] = _fit_square(rgb, self.size, self.fit, self.background)
            thumbnails[i] = _fit_square(rgb, self.thumb_size, "pad", self.background)
            labels.append(label)
        n = len(labels)
        return FolderBatch(images[:n], thumbnails[:n], labels)


def load_folder(
    root: str | Path,
    size: int = 224,
    fit: str = "pad",
    background: tuple[int, int, int] = (255, 255, 255),
    thumb_size: int = 224,
    max_pixels: int = MAX_PIXELS,
) -> FolderSet:
    """Every image under root at once, read as FolderReader reads them.

    Holds the whole set in memory, about 300 KB an image at 224 px: for small
    folders and tests. The workflow streams with pack_folder instead.
    """
    reader = FolderReader(root, size, fit, background, thumb_size, max_pixels)
    batches = list(reader)
    return FolderSet(
        images=np.concatenate([b.images for b in batches]),
        thumbnails=np.concatenate([b.thumbnails for b in batches]),
        labels=[label for b in batches for label in b.labels],
        skipped=reader.skipped_table(),
    )


def pack_folder(reader: FolderReader, h5_path: str | Path, attrs: dict) -> int:
    """Stream a folder's images and thumbnails into a set file; return the count.

    Memory holds one batch, not the set. Items are labelled and named by
    their relative path; reader.skipped lists the files left out.
    """
    labels: list[str] = []
    with store.open_set(
        h5_path, reader.image_shape, len(reader.paths), reader.thumb_shape
    ) as writer:
        for batch in reader:
            writer.append(batch.images, batch.thumbnails)
            labels += batch.labels
        blank = [""] * len(labels)
        items = pd.DataFrame(
            {"label": labels, "text": blank, "codepoints": blank, "name": labels}
        )
        writer.finish(items, attrs)
    return len(labels)


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
