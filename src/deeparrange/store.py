"""The packed image set, `letters.h5`: images and per-item labels.

Datasets: `images` uint8 [N, 224, 224, 3] (the network input), optional
`thumbnails` uint8 [N, T, T, 3] (what figures draw, when it differs), and
per item the strings `label`, `text`, `codepoints` and `name`. Attributes
record how the set was made.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

_STRING_FIELDS = ("label", "text", "codepoints", "name")
# Chunks of one image keep a shard's reads proportional to the shard.
_CHUNK_ITEMS = 1


def write_set(
    path: str | Path,
    images: np.ndarray,
    items: pd.DataFrame,
    attrs: dict,
    thumbnails: np.ndarray | None = None,
) -> None:
    """Write images [N, H, W, 3] and item labels atomically to an HDF5 file."""
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"images: shape {images.shape} {images.dtype}, expected uint8 [N, H, W, 3]"
        )
    if len(items) != len(images):
        raise ValueError(f"{len(items)} item labels for {len(images)} images")
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with h5py.File(partial, "w") as f:
        _write_images(f, "images", images)
        if thumbnails is not None:
            _write_images(f, "thumbnails", thumbnails)
        strings = h5py.string_dtype()
        for field in _STRING_FIELDS:
            values = items[field].astype(str).tolist() if field in items else []
            f.create_dataset(field, data=np.array(values, dtype=object), dtype=strings)
        f.attrs["provenance"] = json.dumps(attrs, sort_keys=True)
    os.replace(partial, path)


def _write_images(f: h5py.File, name: str, images: np.ndarray) -> None:
    f.create_dataset(
        name, data=images, chunks=(_CHUNK_ITEMS, *images.shape[1:]), compression="lzf"
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
    path: str | Path, start: int, stop: int, batch_size: int
) -> Iterator[tuple[int, np.ndarray]]:
    """Stream images [start:stop] from disk in batches of batch_size."""
    with h5py.File(path, "r") as f:
        images = f["images"]
        for first in range(start, stop, batch_size):
            yield first, images[first : min(first + batch_size, stop)]
