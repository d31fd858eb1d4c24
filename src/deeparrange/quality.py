"""Score how well a grid layout keeps similar items close together.

Reads item features [n, d] and their cells on a rows x cols grid; returns numbers.
"""

import logging

import numpy as np
from scipy.spatial.distance import cdist, pdist

log = logging.getLogger(__name__)

# Rows of the n x n distance matrix handled at once; bounds memory at ~8 n KiB.
_CHUNK_ROWS = 256


def _check_layout(n_items: int, cells: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Validate a layout and return its cells as int64 [n]."""
    if rows < 1 or cols < 1:
        raise ValueError(f"grid {rows}x{cols} is empty; rows and cols must be >= 1")
    cells = np.asarray(cells)
    if cells.shape != (n_items,):
        raise ValueError(
            f"cells has shape {cells.shape}, expected ({n_items},): one cell per item"
        )
    if not np.issubdtype(cells.dtype, np.integer):
        raise ValueError(f"cells has dtype {cells.dtype}, expected integer indices")
    cells = cells.astype(np.int64)
    if n_items and (cells.min() < 0 or cells.max() >= rows * cols):
        raise ValueError(
            f"cells span [{cells.min()}, {cells.max()}], outside the "
            f"{rows}x{cols} grid [0, {rows * cols - 1}]"
        )
    if len(np.unique(cells)) != n_items:
        raise ValueError("cells holds the same cell twice; give each item its own cell")
    return cells


def _check_features(features: np.ndarray) -> np.ndarray:
    """Validate features and return them as float64 [n, d]."""
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2:
        raise ValueError(f"features has shape {features.shape}, expected [n, d]")
    if not np.isfinite(features).all():
        raise ValueError("features holds NaN or infinite values; clean them first")
    return features


def _neighbour_pairs(cells: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Item index pairs [m, 2] of horizontally or vertically adjacent items."""
    grid = np.full(rows * cols, -1, dtype=np.int64)
    grid[cells] = np.arange(len(cells))
    grid = grid.reshape(rows, cols)
    pairs = [
        np.column_stack([grid[:, :-1].ravel(), grid[:, 1:].ravel()]),
        np.column_stack([grid[:-1, :].ravel(), grid[1:, :].ravel()]),
    ]
    pairs = np.concatenate(pairs)
    return pairs[(pairs >= 0).all(axis=1)]


def _mean_pairwise_distance(
    features: np.ndarray, max_items: int, rng: np.random.Generator
) -> float:
    """Mean Euclidean distance over all pairs, or over the pairs of a sample.

    Above max_items items, all pairs of a seeded sample of max_items items:
    an unbiased estimate whose memory is bounded by the sample, whatever d.
    """
    n = len(features)
    if n <= max_items:
        return float(pdist(features).mean())
    sample = np.sort(rng.choice(n, size=max_items, replace=False))
    return float(pdist(features[sample]).mean())


def _neighbourhood_sums(
    features: np.ndarray, cells: np.ndarray, cols: int, queries: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Feature distances to the k-th neighbour, summed over query items.

    Returns (layout [n - 1], ideal [n - 1], total distance to all others): the
    layout ranks neighbours by grid distance, ties broken by feature distance;
    the ideal ranks them by feature distance alone.
    """
    n = len(features)
    rc = np.column_stack(np.divmod(cells, cols)).astype(np.float64)
    layout = np.zeros(n - 1)
    ideal = np.zeros(n - 1)
    total = 0.0
    for start in range(0, len(queries), _CHUNK_ROWS):
        q = queries[start : start + _CHUNK_ROWS]
        feat = cdist(features[q], features)
        grid = cdist(rc[q], rc, metric="sqeuclidean")
        # Squared grid distances are integers; a feature distance scaled into
        # [0, 1) added to them sorts by grid first, then by feature distance.
        scale = feat.max(axis=1, keepdims=True) * (1 + 1e-6) + 1e-300
        key = np.sort(grid + feat / scale, axis=1)
        by_grid = (key - np.floor(key)) * scale
        # Column 0 is the query item itself at distance 0 in both orders.
        layout += by_grid[:, 1:].sum(axis=0)
        ideal += np.sort(feat, axis=1)[:, 1:].sum(axis=0)
        total += feat.sum()
    return layout, ideal, total


def dpq(
    features: np.ndarray,
    cells: np.ndarray,
    rows: int,
    cols: int,
    p: float = 16,
    max_items: int = 4096,
    sample_cells: int = 1024,
    seed: int = 0,
) -> dict:
    """Distance Preservation Quality DPQ_p of a layout, in [0, 1] (1 = ideal).

    Barthel et al., Computer Graphics Forum 2023 (arXiv 2205.04255). For each
    item, the other items ranked by grid distance (ties by feature distance)
    give the mean feature distance D(k) of its k nearest, k = 1..n-1; ranked by
    feature distance they give the ideal curve. Each curve, averaged over items,
    becomes a gain max(0, (D_mean - D(k)) / D_mean) over the mean pairwise
    distance D_mean, and DPQ_p = ||gain_layout||_p / ||gain_ideal||_p.

    features: [n, d]; cells: int [n] flat cell indices on a rows x cols grid.
    Up to max_items items the score is exact; above, it averages over
    sample_cells query items drawn with `seed`, each ranked against all items.
    Returns {"dpq": float, "p": p, "exact": bool, "sampled_cells": int | None}.
    """
    features = _check_features(features)
    n = len(features)
    cells = _check_layout(n, cells, rows, cols)
    if n < 3:
        raise ValueError(f"DPQ needs at least 3 items to rank neighbours, got {n}")
    if not p >= 1:
        raise ValueError(f"p={p}, expected a norm order >= 1 (the paper uses 16)")
    if max_items < 3 or sample_cells < 1:
        raise ValueError(
            f"max_items={max_items}, sample_cells={sample_cells}; "
            "expected max_items >= 3 and sample_cells >= 1"
        )

    exact = n <= max_items
    if exact:
        queries = np.arange(n)
    else:
        rng = np.random.default_rng(seed)
        queries = np.sort(rng.choice(n, size=min(sample_cells, n), replace=False))
    layout, ideal, total = _neighbourhood_sums(features, cells, cols, queries)

    d_mean = total / (len(queries) * (n - 1))
    if d_mean == 0:
        raise ValueError("all features are identical; DPQ is undefined for them")
    k = np.arange(1, n)
    gain_layout = np.maximum(0.0, 1.0 - np.cumsum(layout) / k / len(queries) / d_mean)
    gain_ideal = np.maximum(0.0, 1.0 - np.cumsum(ideal) / k / len(queries) / d_mean)
    norm_ideal = np.linalg.norm(gain_ideal, ord=p)
    # Gains this small are rounding noise, e.g. from equidistant items.
    if norm_ideal < 1e-9:
        raise ValueError(
            "no item has neighbours closer than the mean distance (e.g. all "
            "items equidistant), so DPQ is undefined for these features"
        )
    value = float(np.linalg.norm(gain_layout, ord=p) / norm_ideal)
    log.debug("DPQ_%s = %.4f over %d of %d items", p, value, len(queries), n)
    return {
        "dpq": value,
        "p": p,
        "exact": exact,
        "sampled_cells": None if exact else len(queries),
    }


def neighbour_distance_ratio(
    features: np.ndarray,
    cells: np.ndarray,
    rows: int,
    cols: int,
    max_items: int = 4096,
    seed: int = 0,
) -> float:
    """Mean feature distance of 4-neighbouring items over the mean pairwise one.

    Lower is better; about 1 for a random layout. Above max_items items the
    pairwise mean comes from all pairs of a seeded sample of max_items items.
    """
    features = _check_features(features)
    cells = _check_layout(len(features), cells, rows, cols)
    pairs = _neighbour_pairs(cells, rows, cols)
    if len(pairs) == 0:
        raise ValueError("no two items sit in neighbouring cells; nothing to compare")
    near = np.linalg.norm(features[pairs[:, 0]] - features[pairs[:, 1]], axis=1)
    overall = _mean_pairwise_distance(features, max_items, np.random.default_rng(seed))
    if overall == 0:
        raise ValueError("all features are identical; the ratio is undefined")
    return float(near.mean() / overall)


def cluster_agreement(
    labels: np.ndarray, cells: np.ndarray, rows: int, cols: int
) -> float:
    """Share of 4-neighbouring item pairs that carry the same cluster label."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels has shape {labels.shape}, expected [n]")
    cells = _check_layout(len(labels), cells, rows, cols)
    pairs = _neighbour_pairs(cells, rows, cols)
    if len(pairs) == 0:
        raise ValueError("no two items sit in neighbouring cells; nothing to compare")
    return float(np.mean(labels[pairs[:, 0]] == labels[pairs[:, 1]]))
