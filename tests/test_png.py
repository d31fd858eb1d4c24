"""The unfiltered PNG writer: what Pillow reads back is what was written."""

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from deeparrange.png import encode_png, save_png


@pytest.mark.parametrize("shape", [(224, 224), (7, 13), (1, 1), (5, 3, 3)])
def test_pillow_reads_back_the_pixels(shape):
    pixels = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    with Image.open(io.BytesIO(encode_png(pixels))) as image:
        assert image.mode == ("L" if len(shape) == 2 else "RGB")
        assert np.array_equal(np.asarray(image), pixels)


def test_every_scanline_is_unfiltered(tmp_path):
    pixels = np.full((4, 6, 3), 200, dtype=np.uint8)
    save_png(tmp_path / "page.png", pixels)
    data = (tmp_path / "page.png").read_bytes()
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    raw = zlib.decompress(data[start : start + length])
    assert len(raw) == 4 * (1 + 6 * 3)
    assert raw[:: 1 + 6 * 3] == bytes(4)


def test_chunks_are_in_order_with_their_checksums():
    data = encode_png(np.arange(48, dtype=np.uint8).reshape(4, 4, 3))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        crc = int.from_bytes(data[at + 8 + length : at + 12 + length], "big")
        assert crc == zlib.crc32(kind + body), kind
        kinds.append(kind)
        at += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize(
    "pixels",
    [
        np.zeros((4, 4), dtype=np.float32),
        np.zeros((4, 4, 4), dtype=np.uint8),
        np.zeros((4,), dtype=np.uint8),
        np.zeros((0, 4), dtype=np.uint8),
    ],
)
def test_other_arrays_are_refused(pixels):
    with pytest.raises(ValueError, match="expected uint8"):
        encode_png(pixels)
