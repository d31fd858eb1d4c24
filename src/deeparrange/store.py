"""The packed image set, `letters.h5`: images and per-item labels.

Datasets: `images` uint8 [N, 224, 224, 3] (the network input), optional
`thumbnails` uint8 [N, T, T, 3] (what figures draw, when it differs), and
per item the strings `label`, `text`, `codepoints` and `name`. Attributes
record how the set was made.
"""

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

_STRING_FIELDS = ("label", "text", "codepoints", "name")
# Chunks of one image keep a shard's reads proportional to the shard.
_CHUNK_ITEMS = 1
# gzip at level 1 packs glyphs as small as lzf does and reads them about twice
# as fast (h5py's lzf decoder is the slower of the two on mostly-white images).
_COMPRESSION = {"compression": "gzip", "compression_opts": 1}


def write_set(
    path: str | Path,
    images: np.ndarray,
    items: pd.DataFrame,
    attrs: dict,
    thumbnails: np.ndarray | None = None,
) -> None:
    """Write images [N, H, W, 3] and item labels atomically to an HDF5 file."""
    _check_images("images", images)
    if len(items) != len(images):
        raise ValueError(f"{len(items)} item labels for {len(images)} images")
    with _partial(path) as f:
        _write_images(f, "images", images)
        if thumbnails is not None:
            _check_images("thumbnails", thumbnails)
            _write_images(f, "thumbnails", thumbnails)
        _write_items(f, items, attrs)


def write_set_batches(
    path: str | Path,
    batches: Iterable[np.ndarray],
    items: pd.DataFrame,
    attrs: dict,
    image_shape: tuple[int, int, int] = (224, 224, 3),
) -> None:
    """Write images streamed as uint8 [B, H, W, 3] batches, one item per label.

    Memory holds one batch, not the set; the file appears only when complete.
    """
    with open_set(path, image_shape, capacity=len(items)) as writer:
        for batch in batches:
            writer.append(batch)
        writer.finish(items, attrs)


class SetWriter:
    """Appends batches of images, and thumbnails if the set has them, in order.

    Datasets are made for `capacity` items and shrink to the count written
    when finished, so a caller that skips items need not know the count.
    """

    def __init__(
        self,
        f: h5py.File,
        image_shape: tuple[int, int, int],
        capacity: int,
        thumb_shape: tuple[int, int, int] | None = None,
    ) -> None:
        shapes = {"images": image_shape}
        if thumb_shape is not None:
            shapes["thumbnails"] = thumb_shape
        self._datasets = {
            name: f.create_dataset(
                name,
                shape=(capacity, *shape),
                dtype=np.uint8,
                chunks=(_CHUNK_ITEMS, *shape),
                **_COMPRESSION,
            )
            for name, shape in shapes.items()
        }
        self._file = f
        self.capacity = capacity
        self.count = 0
        self.finished = False

    def append(self, images: np.ndarray, thumbnails: np.ndarray | None = None) -> None:
        """Write the next items: images uint8 [B, H, W, 3], thumbnails alike."""
        batch = {"images": images}
        if thumbnails is not None:
            batch["thumbnails"] = thumbnails
        if batch.keys() != self._datasets.keys():
            raise ValueError(
                f"batch of {sorted(batch)} for a set of {sorted(self._datasets)}"
            )
        for name, array in batch.items():
            _check_images(name, array)
            shape = self._datasets[name].shape[1:]
            if (
                array.shape[1:] != shape
                or len(array) != len(images)
                or self.count + len(array) > self.capacity
            ):
                raise ValueError(
                    f"{name} batch {array.shape} at item {self.count} does not "
                    f"fit {self.capacity} images of shape {shape}"
                )
        end = self.count + len(images)
        for name, array in batch.items():
            self._datasets[name][self.count : end] = array
        self.count = end

    def finish(self, items: pd.DataFrame, attrs: dict) -> None:
        """Shrink the datasets to the items written; add labels and attributes."""
        if len(items) != self.count:
            raise ValueError(
                f"{self.count} images streamed for {len(items)} item labels"
            )
        for dataset in self._datasets.values():
            dataset.resize(self.count, axis=0)
        _write_items(self._file, items, attrs)
        self.finished = True


@contextmanager
def open_set(
    path: str | Path,
    image_shape: tuple[int, int, int],
    capacity: int,
    thumb_shape: tuple[int, int, int] | None = None,
) -> Iterator[SetWriter]:
    """A SetWriter on path, for at most capacity items; see SetWriter.

    The file appears at path only once finish() has run without error.
    """
    with _partial(path) as f:
        writer = SetWriter(f, image_shape, capacity, thumb_shape)
        yield writer
        if not writer.finished:
            raise RuntimeError(
                f"{path}: the writer closed after {writer.count} images without "
                "finish(); call finish(items, attrs) to keep the file"
            )


def _check_images(name: str, images: np.ndarray) -> None:
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"{name}: shape {images.shape} {images.dtype}, expected uint8 [N, H, W, 3]"
        )


@contextmanager
def _partial(path: str | Path) -> Iterator[h5py.File]:
    """An HDF5 file written under a temporary name, renamed when complete."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with h5py.File(partial, "w") as f:
            yield f
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)


def _write_items(f: h5py.File, items: pd.DataFrame, attrs: dict) -> None:
    strings = h5py.string_dtype()
    for field in _STRING_FIELDS:
        values = items[field].astype(str).tolist() if field in items else []
        f.create_dataset(field, data=np.array(values, dtype=object), dtype=strings)
    f.attrs["provenance"] = json.dumps(attrs, sort_keys=True)


def _write_images(f: h5py.File, name: str, images: np.ndarray) -> None:
    f.create_dataset(
        name, data=images, chunks=(_CHUNK_ITEMS, *images.shape[1:]), **_COMPRESSION
    )


def count(path: str | Path) -> int:
    """Number of items in a packed set."""
    with h5py.File(path, "r") as f:
        return int(f["images"].shape[0])


def read_items(path: str | Path) -> pd.DataFrame:
    """Per-item labels as a table with columns item, label, text, ..."""
    with h5py.File(path, "r") as f:
        n = f["images"].shape[0]
        table = {"item": np.arange(n)}
        for field in _STRING_FIELDS:
            values = f[field].asstr()[:] if len(f[field]) else [""] * n
            table[field] = list(values)
    return pd.DataFrame(table)


def read_provenance(path: str | Path) -> dict:
    """How the set was made, as written by write_set."""
    with h5py.File(path, "r") as f:
        return json.loads(f.attrs["provenance"])


def read_images(
    path: str | Path, start: int = 0, stop: int | None = None, thumbnails: bool = False
) -> np.ndarray:
    """Images [start:stop] (thumbnails where the set has them and asked for)."""
    with h5py.File(path, "r") as f:
        name = "thumbnails" if thumbnails and "thumbnails" in f else "images"
        return f[name][start:stop]


def iter_batches(
    path: str | Path, start: int, stop: int, batch_size: int, thumbnails: bool = False
) -> Iterator[tuple[int, np.ndarray]]:
    """Stream images [start:stop] from disk in batches of batch_size."""
    with h5py.File(path, "r") as f:
        name = "thumbnails" if thumbnails and "thumbnails" in f else "images"
        images = f[name]
        for first in range(start, stop, batch_size):
            yield first, images[first : min(first + batch_size, stop)]
