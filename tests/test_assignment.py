"""Tests of grid assignment: valid one-to-one maps, exact optimum, approximation."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from deeparrange.assignment import (
    _refine,
    assign_to_grid,
    assignment_cost,
    cell_centres,
    scale_to_grid,
)


def _mixture(n: int, seed: int, blobs: int = 5) -> np.ndarray:
    """A seeded cloud [n, 2] of Gaussian blobs of different widths."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(blobs, 2))
    widths = rng.uniform(0.3, 1.5, size=blobs)
    label = rng.integers(blobs, size=n)
    return centres[label] + rng.normal(size=(n, 2)) * widths[label, None]


def _optimal_cost(points: np.ndarray, rows: int, cols: int) -> float:
    scaled = scale_to_grid(points, rows, cols)
    cost = cdist(scaled, cell_centres(rows, cols))
    item, cell = linear_sum_assignment(cost)
    return float(cost[item, cell].sum())


def _cost(points: np.ndarray, cells: np.ndarray, rows: int, cols: int) -> float:
    return assignment_cost(scale_to_grid(points, rows, cols), cells, cols)


@pytest.mark.parametrize(
    ("n", "rows", "cols", "exact_max"),
    [
        (100, 10, 10, 1024),
        (90, 5, 20, 1024),
        (100, 12, 17, 1024),
        (1000, 32, 32, 100),
        (1000, 20, 55, 100),
        (1000, 30, 60, 100),
    ],
)
def test_cells_are_distinct_and_on_the_grid(n, rows, cols, exact_max):
    cells = assign_to_grid(_mixture(n, seed=n), rows, cols, exact_max=exact_max)

    assert cells.dtype == np.int64
    assert cells.shape == (n,)
    assert len(np.unique(cells)) == n
    assert cells.min() >= 0 and cells.max() < rows * cols


@pytest.mark.parametrize(("rows", "cols"), [(8, 8), (5, 14), (9, 12)])
def test_small_input_gets_the_optimum(rows, cols):
    points = _mixture(64, seed=3)

    cells = assign_to_grid(points, rows, cols)

    assert _cost(points, cells, rows, cols) == pytest.approx(
        _optimal_cost(points, rows, cols), rel=1e-9
    )


# Eight blobs are the multimodal case that bisection alone got 23 % wrong;
# grids are square and full, rectangular, and with up to twice the cells.
@pytest.mark.parametrize(
    ("blobs", "seed", "rows", "cols"),
    [
        (8, 0, 32, 32),
        (8, 1, 32, 32),
        (8, 2, 32, 32),
        (8, 3, 32, 32),
        (8, 0, 25, 60),
        (8, 1, 40, 50),
        (8, 2, 30, 60),
        (5, 1, 32, 32),
        (5, 2, 25, 60),
    ],
)
def test_approximation_is_within_one_percent(blobs, seed, rows, cols):
    points = _mixture(1000, seed, blobs)

    cells = assign_to_grid(points, rows, cols, exact_max=100)

    assert len(np.unique(cells)) == len(points)
    assert _cost(points, cells, rows, cols) <= 1.01 * _optimal_cost(points, rows, cols)


def _uniform(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 2))


def _thin_line(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = rng.random(n)
    return np.column_stack([t, 0.3 * t + 0.01 * rng.normal(size=n)])


# Near-uniform clouds leave loops longer than a window, which only cycle
# cancelling finds: the uniform seed 2 cloud was 3.1 % over without it.
@pytest.mark.parametrize(
    ("cloud", "seed"),
    [(_uniform, 0), (_uniform, 1), (_uniform, 2), (_thin_line, 0), (_thin_line, 1)],
)
def test_near_uniform_and_thin_clouds_are_within_one_percent(cloud, seed):
    points = cloud(1000, seed)

    cells = assign_to_grid(points, 32, 32, exact_max=100)

    assert len(np.unique(cells)) == len(points)
    assert _cost(points, cells, 32, 32) <= 1.01 * _optimal_cost(points, 32, 32)


@pytest.mark.parametrize(
    "points",
    [
        np.full((300, 2), 7.0),
        np.column_stack([np.arange(300.0), 2.0 * np.arange(300.0)]),
        np.repeat(np.eye(2), 150, axis=0),
    ],
    ids=["all-equal", "collinear", "two-places"],
)
def test_degenerate_clouds_get_near_optimal_cells(points):
    cells = assign_to_grid(points, 18, 18, exact_max=40)

    assert len(np.unique(cells)) == len(points)
    assert _cost(points, cells, 18, 18) <= 1.01 * _optimal_cost(points, 18, 18)


def test_single_point_takes_the_corner_cell():
    assert assign_to_grid(np.array([[3.0, -1.0]]), 1, 1).tolist() == [0]


def test_same_input_gives_same_cells():
    points = _mixture(1500, seed=9)

    first = assign_to_grid(points, 30, 70, exact_max=100)
    second = assign_to_grid(points.copy(), 30, 70, exact_max=100)

    np.testing.assert_array_equal(first, second)


def test_too_small_grid_is_rejected():
    with pytest.raises(ValueError, match=r"grid 3x3 has 9 cells for 10 items"):
        assign_to_grid(np.zeros((10, 2)), 3, 3)


def test_points_of_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match=r"shape \(5, 3\), expected \[n, 2\]"):
        assign_to_grid(np.zeros((5, 3)), 3, 3)


def test_refine_after_cycles_solves_only_windows_with_a_changed_cell():
    rows = cols = 30
    r, c = np.divmod(np.arange(rows * cols), cols)
    scaled = np.column_stack([c, r]).astype(np.float64)
    swapped = np.arange(rows * cols)
    swapped[[0, 1]] = swapped[[1, 0]]  # two items one cell off, in one corner
    swapped[[899, 898]] = swapped[[898, 899]]  # and two in the far corner

    cells = swapped.copy()
    _refine(scaled, cells, rows, cols, max_passes=1, changed=np.array([0, 1]))

    assert cells[0] == 0 and cells[1] == 1
    assert cells[898] == 899 and cells[899] == 898  # its window was not solved
