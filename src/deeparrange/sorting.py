"""Sort items onto a grid so that similar features sit in nearby cells.

Reads features [n, d]; returns each item's flat cell index (row * cols + col).
Implements Linear Assignment Sorting (LAS) and Fast LAS (FLAS) from Barthel
et al., Computer Graphics Forum 2023 (arXiv 2205.04255).
"""

import logging

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.optimize import linear_sum_assignment
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

METHODS = ("las", "flas")

# The products here are small or few; on a busy 2-core machine OpenBLAS threads
# made them 20-30x slower than one thread, so sorting runs with one.
_one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")


def _check_inputs(features: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Validate the sorting inputs and return features as float64 [n, d]."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) == 0:
        raise ValueError(f"features has shape {features.shape}, expected [n >= 1, d]")
    if not np.isfinite(features).all():
        raise ValueError("features holds NaN or infinite values; clean them first")
    if rows < 1 or cols < 1 or rows * cols < len(features):
        raise ValueError(
            f"grid {rows}x{cols} has {max(rows, 0) * max(cols, 0)} cells for "
            f"{len(features)} items; choose a grid with at least as many cells"
        )
    return features


def _compact(features: np.ndarray) -> np.ndarray:
    """Same points in at most n - 1 dimensions when d >= n: [n, min(d, n)].

    Pairwise distances, and so every cost and the sorting, stay the same; the
    cost products get cheaper for high-dimensional embeddings of few items.
    """
    n, d = features.shape
    if d < n:
        return features
    centred = features - features.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(centred @ centred.T)
    return eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))


def _check_schedule(radius_decay: float, start_radius: float | None) -> None:
    """Reject filter schedules that would never shrink or never start."""
    if not 0 < radius_decay < 1:
        raise ValueError(f"radius_decay={radius_decay}, expected a value in (0, 1)")
    if start_radius is not None and start_radius < 1:
        raise ValueError(f"start_radius={start_radius}, expected >= 1 cell or None")


def _radii(rows: int, cols: int, radius_decay: float, start_radius: float | None):
    """Filter radii in cells, from about half the grid down to 1."""
    radius = max(rows, cols) / 2 if start_radius is None else start_radius
    radii = []
    while radius >= 1:
        radii.append(int(radius))
        radius *= radius_decay
    return radii or [1]


def _filtered_map(
    features: np.ndarray,
    grid: np.ndarray,
    rows: int,
    cols: int,
    radius: int,
    fallback: np.ndarray,
) -> np.ndarray:
    """Box-filtered feature map [rows * cols, d] of the current arrangement.

    Each cell gets the mean feature of the occupied cells within `radius`;
    empty cells count for nothing, and a window with no item at all falls back
    to the overall mean feature.
    """
    occupied = grid >= 0
    sums = np.zeros((rows * cols, features.shape[1]))
    sums[occupied] = features[grid[occupied]]
    weights = occupied.astype(np.float64)
    sums = sums.reshape(rows, cols, -1)
    weights = weights.reshape(rows, cols)
    for axis, length in enumerate((rows, cols)):
        size = min(2 * radius + 1, 2 * length - 1)
        sums = uniform_filter1d(sums, size, axis=axis, mode="constant")
        weights = uniform_filter1d(weights, size, axis=axis, mode="constant")
    # A tiny pull towards the overall mean keeps windows without items defined.
    eps = 1e-9
    weights = weights.reshape(-1, 1)
    return (sums.reshape(rows * cols, -1) + eps * fallback) / (weights + eps)


def _assign(items: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index into targets [m, d] of the best target for each item [k, d], k <= m."""
    # ||x - t||^2 without the ||x||^2 term, which is the same for every target.
    cost = (targets**2).sum(axis=1) - 2.0 * items @ targets.T
    _, columns = linear_sum_assignment(cost)
    return columns


def _initial_grid(n: int, rows: int, cols: int, rng: np.random.Generator):
    """Random arrangement: item index per cell [rows * cols], -1 where empty."""
    grid = np.full(rows * cols, -1, dtype=np.int64)
    grid[rng.permutation(rows * cols)[:n]] = np.arange(n)
    return grid


def _cells_of(grid: np.ndarray, n: int) -> np.ndarray:
    """Invert an item-per-cell grid into cell-per-item int64 [n]."""
    cells = np.empty(n, dtype=np.int64)
    occupied = np.flatnonzero(grid >= 0)
    cells[grid[occupied]] = occupied
    return cells


@_one_blas_thread
def las(
    features: np.ndarray,
    rows: int,
    cols: int,
    seed: int = 0,
    radius_decay: float = 0.93,
    start_radius: float | None = None,
) -> np.ndarray:
    """Linear Assignment Sorting: cell index int64 [n] of each item [n, d].

    From a random start, repeatedly blur the grid of features with a box filter
    of shrinking radius and reassign all items to all cells at once by exact
    linear assignment against the blurred map. Costs O(cells^3) per step; use
    flas above a few thousand items.
    """
    features = _compact(_check_inputs(features, rows, cols))
    _check_schedule(radius_decay, start_radius)
    n = len(features)
    rng = np.random.default_rng(seed)
    grid = _initial_grid(n, rows, cols, rng)
    mean = features.mean(axis=0)

    radii = _radii(rows, cols, radius_decay, start_radius)
    for radius in radii:
        targets = _filtered_map(features, grid, rows, cols, radius, mean)
        grid = np.full(rows * cols, -1, dtype=np.int64)
        grid[_assign(features, targets)] = np.arange(n)
    log.debug("LAS sorted %d items on %dx%d in %d steps", n, rows, cols, len(radii))
    return _cells_of(grid, n)


def _swap_sets(
    rows: int,
    cols: int,
    radius: int,
    swap_size: int,
    n_sets: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Random candidate cells [n_sets, swap_size], each set within one window.

    A window is (2 * radius + 1) cells wide, moved inside the grid at borders.
    Cells are distinct within a set when the window is small; in large windows
    they are drawn with replacement (cheaper), and the caller drops repeats.
    """
    half = max(radius, int(np.ceil((np.sqrt(swap_size) - 1) / 2)))
    height, width = min(2 * half + 1, rows), min(2 * half + 1, cols)
    if height * width <= 8 * swap_size:
        keys = rng.random((n_sets, height * width))
        size = min(swap_size, height * width)
        picks = np.argpartition(keys, size - 1, axis=1)[:, :size]
        dy, dx = np.divmod(picks, width)
    else:
        dy = rng.integers(0, height, size=(n_sets, swap_size))
        dx = rng.integers(0, width, size=(n_sets, swap_size))
    top = np.clip(rng.integers(0, rows, size=(n_sets, 1)) - half, 0, rows - height)
    left = np.clip(rng.integers(0, cols, size=(n_sets, 1)) - half, 0, cols - width)
    return (top + dy) * cols + left + dx


@_one_blas_thread
def flas(
    features: np.ndarray,
    rows: int,
    cols: int,
    seed: int = 0,
    radius_decay: float = 0.96,
    start_radius: float | None = None,
    swap_size: int = 64,
    swaps_per_cell: float = 4.0,
) -> np.ndarray:
    """Fast Linear Assignment Sorting: cell index int64 [n] of each item [n, d].

    Like las, but each step solves many small exact assignments instead of one
    global one: sets of up to `swap_size` random cells near a random centre
    swap their items towards the blurred map. A step draws enough sets to
    visit each cell about `swaps_per_cell` times. The defaults were tuned on
    random colours: DPQ_16 ~0.951 on 32x32 (LAS: ~0.955) in under 1 s.
    """
    features = _compact(_check_inputs(features, rows, cols))
    _check_schedule(radius_decay, start_radius)
    if swap_size < 2:
        raise ValueError(f"swap_size={swap_size}, expected at least 2 cells per set")
    if swaps_per_cell <= 0:
        raise ValueError(f"swaps_per_cell={swaps_per_cell}, expected a positive value")
    n = len(features)
    rng = np.random.default_rng(seed)
    grid = _initial_grid(n, rows, cols, rng)
    mean = features.mean(axis=0)
    n_sets = int(np.ceil(swaps_per_cell * rows * cols / swap_size))

    radii = _radii(rows, cols, radius_decay, start_radius)
    for radius in radii:
        targets = _filtered_map(features, grid, rows, cols, radius, mean)
        for candidates in _swap_sets(rows, cols, radius, swap_size, n_sets, rng):
            cells = np.unique(candidates)
            items = grid[cells]
            items = items[items >= 0]
            if len(items) == 0:
                continue
            grid[cells] = -1
            grid[cells[_assign(features[items], targets[cells])]] = items
    log.debug("FLAS sorted %d items on %dx%d in %d steps", n, rows, cols, len(radii))
    return _cells_of(grid, n)


def sort_grid(
    features: np.ndarray,
    rows: int,
    cols: int,
    method: str = "flas",
    seed: int = 0,
    **params,
) -> np.ndarray:
    """Cell index int64 [n] of each item [n, d] by `method` ("las" or "flas")."""
    if method == "las":
        return las(features, rows, cols, seed=seed, **params)
    if method == "flas":
        return flas(features, rows, cols, seed=seed, **params)
    raise ValueError(f"method={method!r}, expected one of {METHODS}")
