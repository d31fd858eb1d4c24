"""Write 8-bit greyscale and RGB PNG files with no row filter.

Pillow tries five row filters on every row of an 8-bit image and keeps the
best. On glyph pages, mostly white with a block of ink, filtering gains
nothing (1.70 KB unfiltered against 1.76 KB filtered, zlib level 1) and takes
more time than the compression itself.
"""

import struct
import zlib
from pathlib import Path

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types: 0 greyscale, 2 truecolour.
_COLOUR_TYPE = {1: 0, 3: 2}


def encode_png(pixels: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of uint8 pixels [H, W] (greyscale) or [H, W, 3] (RGB)."""
    pixels = np.asarray(pixels)
    channels = 1 if pixels.ndim == 2 else pixels.shape[-1]
    if (
        pixels.dtype != np.uint8
        or pixels.ndim not in (2, 3)
        or channels not in _COLOUR_TYPE
        or 0 in pixels.shape
    ):
        raise ValueError(
            f"pixels {pixels.dtype} {pixels.shape}, expected uint8 [H, W] or "
            "[H, W, 3] with H, W >= 1"
        )
    height, width = pixels.shape[:2]
    # Each scanline starts with its filter type, 0 (none).
    scanlines = np.zeros((height, 1 + width * channels), dtype=np.uint8)
    scanlines[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPE[channels], 0, 0, 0)
    return b"".join(
        [
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(scanlines.data, level)),
            _chunk(b"IEND", b""),
        ]
    )


def save_png(path: str | Path, pixels: np.ndarray, level: int = 1) -> None:
    """Write pixels as in encode_png to path."""
    Path(path).write_bytes(encode_png(pixels, level))


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
