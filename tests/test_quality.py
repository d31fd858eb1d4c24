import numpy as np
import pytest

from deeparrange.quality import cluster_agreement, dpq, neighbour_distance_ratio


def _naive_dpq(features, cells, cols, p):
    """Loop-by-loop DPQ_p straight from the paper's definition."""
    n = len(features)
    dist = np.linalg.norm(features[:, None] - features[None], axis=-1)
    rc = np.column_stack(np.divmod(cells, cols))
    grid = ((rc[:, None] - rc[None]) ** 2).sum(axis=-1)
    by_grid, by_feature = [], []
    for i in range(n):
        others = sorted(
            (j for j in range(n) if j != i), key=lambda j: (grid[i, j], dist[i, j])
        )
        by_grid.append(dist[i, others])
        by_feature.append(np.sort(dist[i, others]))
    d_mean = dist[~np.eye(n, dtype=bool)].mean()
    k = np.arange(1, n)

    def gain(rows):
        curve = (np.cumsum(rows, axis=1) / k).mean(axis=0)
        return np.maximum(0, (d_mean - curve) / d_mean)

    return np.linalg.norm(gain(np.array(by_grid)), p) / np.linalg.norm(
        gain(np.array(by_feature)), p
    )


def test_dpq_of_2x2_layout_matches_hand_computation():
    # Values 0, 1, 2, 4 in reading order on a 2x2 grid. Per item, neighbours by
    # grid then feature distance: [1, 2, 4], [1, 3, 1], [2, 2, 1], [2, 3, 4];
    # ideal: [1, 2, 4], [1, 1, 3], [1, 2, 2], [2, 3, 4]; mean distance 13/6.
    # Gains: layout (4/13, 1/13, 0), ideal (11/26, 1/4, 0).
    features = np.array([[0.0], [1.0], [2.0], [4.0]])
    cells = np.arange(4)

    assert dpq(features, cells, 2, 2, p=1)["dpq"] == pytest.approx(4 / 7)
    assert dpq(features, cells, 2, 2, p=2)["dpq"] == pytest.approx(
        np.hypot(4, 1) / 13 / np.hypot(11 / 26, 1 / 4)
    )


@pytest.mark.parametrize("reverse", [False, True])
def test_dpq_of_evenly_spaced_line_in_order_is_one(reverse):
    rng = np.random.default_rng(0)
    order = rng.permutation(40)
    features = np.linspace(-3.0, 5.0, 40)[order, None]
    cells = 39 - order if reverse else order

    result = dpq(features, cells, 1, 40)

    assert result == {
        "dpq": pytest.approx(1.0),
        "p": 16,
        "exact": True,
        "sampled_cells": None,
    }


def test_dpq_of_shuffled_line_is_well_below_one():
    features = np.linspace(0.0, 1.0, 40)[:, None]
    cells = np.random.default_rng(1).permutation(40)

    assert dpq(features, cells, 1, 40)["dpq"] < 0.7


def test_dpq_of_random_layout_of_random_colours_is_about_one_third():
    rng = np.random.default_rng(2)
    colours = rng.random((1024, 3))

    value = dpq(colours, rng.permutation(1024), 32, 32)["dpq"]

    assert value == pytest.approx(0.33, abs=0.05)


@pytest.mark.parametrize("structured", [False, True])
def test_sampled_dpq_is_within_a_hundredth_of_exact(structured):
    rng = np.random.default_rng(3)
    cells = rng.permutation(24 * 25)[:590]
    features = rng.random((590, 3))
    if structured:
        # Features that follow the grid give a good layout, far from random.
        features[:, :2] = np.column_stack(np.divmod(cells, 25)) / 24

    exact = dpq(features, cells, 24, 25)
    sampled = dpq(features, cells, 24, 25, max_items=500, sample_cells=300, seed=4)

    assert exact["exact"] and not sampled["exact"]
    assert sampled["sampled_cells"] == 300
    assert sampled["dpq"] == pytest.approx(exact["dpq"], abs=0.01)


def test_dpq_ignores_feature_scale_and_offset():
    rng = np.random.default_rng(5)
    features = rng.random((60, 4))
    cells = rng.permutation(64)[:60]

    base = dpq(features, cells, 8, 8)["dpq"]

    assert dpq(features * 250.0 - 7.0, cells, 8, 8)["dpq"] == pytest.approx(base)


@pytest.mark.parametrize("p", [1, 2, 16])
def test_dpq_on_rectangular_grid_with_empty_cells_matches_definition(p):
    rng = np.random.default_rng(6)
    features = rng.random((23, 3))
    cells = rng.permutation(5 * 7)[:23]

    value = dpq(features, cells, 5, 7, p=p)["dpq"]

    assert value == pytest.approx(_naive_dpq(features, cells, 7, p))


def test_dpq_of_line_with_gaps_in_order_is_one():
    features = np.arange(6, dtype=float)[:, None]

    assert dpq(features, np.arange(0, 12, 2), 1, 12)["dpq"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("features", "cells", "kwargs", "match"),
    [
        (np.zeros((3, 2)) + [[0], [1], [2]], [0, 0, 1], {}, "same cell"),
        (np.zeros((3, 2)) + [[0], [1], [2]], [0, 1, 9], {}, "outside"),
        (np.zeros((3, 2)) + [[0], [1], [2]], [0, 1], {}, "one cell per item"),
        (np.zeros((3, 2)) + [[0], [1], [2]], [0.0, 1.0, 2.0], {}, "integer"),
        (np.zeros((2, 2)) + [[0], [1]], [0, 1], {}, "at least 3"),
        (np.zeros((3, 2)) + [[0], [1], [2]], [0, 1, 2], {"p": 0.5}, "p=0.5"),
        (np.zeros((3, 2)), [0, 1, 2], {}, "identical"),
        (np.array([[0.0, 0], [1, 0], [0.5, 3**0.5 / 2]]), [0, 1, 2], {}, "undefined"),
        (np.array([[0.0, np.nan], [1, 0], [2, 0]]), [0, 1, 2], {}, "NaN"),
    ],
)
def test_dpq_rejects_bad_input(features, cells, kwargs, match):
    with pytest.raises(ValueError, match=match):
        dpq(features, np.asarray(cells), 3, 3, **kwargs)


def test_neighbour_distance_ratio_by_hand():
    features = np.array([[0.0], [1.0], [3.0]])

    # Neighbour distances 1 and 2 against pairwise mean (1 + 3 + 2) / 3.
    assert neighbour_distance_ratio(features, np.array([0, 1, 2]), 1, 3) == 0.75
    # The empty cell 2 breaks the link between items 1 and 2.
    assert neighbour_distance_ratio(features, np.array([0, 1, 3]), 1, 4) == 0.5


def test_neighbour_distance_ratio_sampled_pairs_match_exact():
    rng = np.random.default_rng(7)
    features = rng.random((900, 3))
    cells = rng.permutation(900)

    exact = neighbour_distance_ratio(features, cells, 30, 30)
    sampled = neighbour_distance_ratio(features, cells, 30, 30, max_items=300, seed=1)

    assert exact == pytest.approx(1.0, abs=0.05)
    assert sampled == pytest.approx(exact, rel=0.02)


def test_cluster_agreement_by_hand():
    labels = np.array([0, 0, 1, 1])

    # Rows agree (0-1, 2-3), columns do not (0-2, 1-3).
    assert cluster_agreement(labels, np.arange(4), 2, 2) == 0.5
    # On a 1x5 line with a gap only the pairs 0-1 and 2-3 touch.
    assert cluster_agreement(labels, np.array([0, 1, 3, 4]), 1, 5) == 1.0


def test_neighbour_measures_need_touching_items():
    cells = np.array([0, 2])
    with pytest.raises(ValueError, match="neighbouring cells"):
        cluster_agreement(np.array([0, 1]), cells, 1, 3)
    with pytest.raises(ValueError, match="neighbouring cells"):
        neighbour_distance_ratio(np.array([[0.0], [1.0]]), cells, 1, 3)


def test_sampled_pairwise_mean_is_close_and_bounded_by_the_sample():
    # 600 items in 2,000 dimensions: all pairs of a 200-item sample, not
    # 200 * 199 / 2 random pairs of full vectors (that once needed 128 GiB).
    rng = np.random.default_rng(4)
    features = rng.normal(size=(600, 2000))
    cells = rng.permutation(625)[:600]
    exact = neighbour_distance_ratio(features, cells, 25, 25, max_items=1000)
    sampled = neighbour_distance_ratio(features, cells, 25, 25, max_items=200)
    assert sampled == pytest.approx(exact, rel=0.01)
