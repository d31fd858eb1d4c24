"""Grid geometry: default grid shapes, cell centres, scaling points to a grid.

Light on imports (numpy only): the workflow uses it while it is parsed.
"""

import numpy as np

# Widest rows:cols a default grid may take: 3:2, a common print format.
MAX_ASPECT = 1.5


def grid_shape(n: int) -> tuple[int, int]:
    """The default grid for n items: (rows, cols), rows <= cols.

    Among grids no wider than MAX_ASPECT, the one with the fewest cells, so
    the fewest holes; the squarer on a tie. 96 items get 8x12, not 10x10.
    """
    if n < 1:
        raise ValueError(f"n={n}, expected at least one item")
    cols = int(np.ceil(np.sqrt(n)))
    best = (int(np.ceil(n / cols)), cols)
    for rows in range(1, best[0] + 1):
        cols = int(np.ceil(n / rows))
        if cols <= MAX_ASPECT * rows and (rows * cols, cols - rows) < (
            best[0] * best[1],
            best[1] - best[0],
        ):
            best = (rows, cols)
    return best


def scale_to_grid(points: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Map points [n, 2] (x, y) onto [0, cols - 1] x [0, rows - 1] per axis."""
    points = np.asarray(points, dtype=np.float64)
    low = points.min(axis=0)
    span = points.max(axis=0) - low
    span[span == 0] = 1.0
    return (points - low) / span * np.array([cols - 1, rows - 1], dtype=np.float64)


def cell_centres(rows: int, cols: int) -> np.ndarray:
    """Cell centres [rows * cols, 2] as (x=col, y=row), row-major order."""
    r, c = np.divmod(np.arange(rows * cols), cols)
    return np.column_stack([c, r]).astype(np.float64)
