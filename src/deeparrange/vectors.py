"""Sets given as vectors: an .npy of N x D, with optional labels and images.

Vectors without images are drawn as coloured cells, which needs D = 3 and
values in [0, 1] (RGB).
"""

from pathlib import Path

import numpy as np

COLOUR_TILE = 16


def vector_shape(path: str | Path) -> tuple[int, ...]:
    """Shape of an .npy file, read from its header only."""
    return np.load(path, mmap_mode="r").shape


def load_vectors(path: str | Path) -> np.ndarray:
    """Vectors [N, D] as float32; error on a wrong shape or non-finite values."""
    vectors = np.load(path, allow_pickle=False)
    if (
        vectors.ndim != 2
        or len(vectors) < 2
        or not np.issubdtype(vectors.dtype, np.number)
    ):
        raise ValueError(
            f"{path}: holds {vectors.dtype} {vectors.shape}, expected numbers of "
            "shape [N >= 2, D]; save vectors with numpy.save(path, array_2d)"
        )
    if not np.isfinite(vectors).all():
        bad = int((~np.isfinite(vectors)).any(axis=1).sum())
        raise ValueError(
            f"{path}: {bad} rows hold NaN or infinite values; drop or repair them"
        )
    return vectors.astype(np.float32)


def read_labels(path: str | Path | None, n: int) -> list[str]:
    """One label per line of a text file, or the row numbers without one."""
    if not path:
        return [str(i) for i in range(n)]
    labels = Path(path).read_text(encoding="utf-8").splitlines()
    if len(labels) != n:
        raise ValueError(
            f"{path}: {len(labels)} labels for {n} vectors; give one label per "
            "line, in the order of the vectors"
        )
    return labels


def colour_tiles(vectors: np.ndarray, size: int = COLOUR_TILE) -> np.ndarray:
    """Solid RGB tiles uint8 [N, size, size, 3] from vectors in [0, 1]^3."""
    if vectors.shape[1] != 3 or vectors.min() < 0 or vectors.max() > 1:
        raise ValueError(
            f"vectors of shape {vectors.shape} in [{vectors.min():.3g}, "
            f"{vectors.max():.3g}] cannot be drawn as colours: that needs 3 "
            "values in [0, 1] per item; give images to draw instead"
        )
    rgb = np.round(vectors * 255).astype(np.uint8)
    return np.broadcast_to(rgb[:, None, None, :], (len(rgb), size, size, 3)).copy()
