"""Assign 2-D points to the cells of a grid, moving them as little as possible.

The point cloud is scaled to the grid's extent, then a linear sum assignment
finds the one-to-one map of points to cells with the least total Euclidean
distance moved.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist


def grid_shape(n: int) -> tuple[int, int]:
    """Smallest near-square (rows, cols) with rows * cols >= n, cols >= rows."""
    if n < 1:
        raise ValueError(f"n={n}, expected at least one item")
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    return rows, cols


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


def assign_to_grid(points: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Cell index (row * cols + col) of each point: int64 [n].

    Raises ValueError when the grid has fewer cells than there are points.
    """
    n = len(points)
    if rows * cols < n:
        raise ValueError(
            f"grid {rows}x{cols} has {rows * cols} cells for {n} items; "
            "choose a larger grid"
        )
    scaled = scale_to_grid(points, rows, cols)
    cost = cdist(scaled, cell_centres(rows, cols))
    item_index, cell_index = linear_sum_assignment(cost)
    cells = np.empty(n, dtype=np.int64)
    cells[item_index] = cell_index
    return cells
