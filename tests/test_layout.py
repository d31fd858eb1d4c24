"""Layout dispatch: the methods, the reduction before sorting, bad names."""

import numpy as np
import pytest

from deeparrange.layout import arrange, measure, reduce_dims


def test_sorting_in_fewer_dimensions_keeps_the_quality():
    rng = np.random.default_rng(0)
    # Vectors with a few strong directions, like embeddings, in 512 dimensions.
    basis = rng.normal(size=(6, 512))
    vectors = rng.normal(size=(400, 6)) @ basis + 0.05 * rng.normal(size=(400, 512))
    full = arrange(vectors, None, 20, 20, "flas", dims=0)
    reduced = arrange(vectors, None, 20, 20, "flas", dims=32)
    full_dpq = measure(vectors, full, 20, 20)["dpq16"]["dpq"]
    reduced_dpq = measure(vectors, reduced, 20, 20)["dpq16"]["dpq"]
    assert abs(full_dpq - reduced_dpq) < 0.01
    assert not np.array_equal(full, reduced)


def test_reduction_leaves_small_inputs_alone():
    vectors = np.arange(12.0).reshape(4, 3)
    assert reduce_dims(vectors, 128) is vectors
    assert reduce_dims(vectors, 0) is vectors
    assert reduce_dims(np.random.default_rng(1).normal(size=(50, 20)), 5).shape == (
        50,
        5,
    )


def test_every_method_fills_distinct_cells():
    rng = np.random.default_rng(2)
    vectors = rng.random((30, 3))
    from deeparrange.projection import pca_2d

    coords, _ = pca_2d(vectors)
    for method in ("flas", "las", "pca_assign"):
        cells = arrange(vectors, coords, 5, 7, method)
        assert len(set(cells.tolist())) == 30 and cells.max() < 35


def test_unknown_method_is_named():
    with pytest.raises(ValueError, match="layout.method='tsne', expected one of"):
        arrange(np.zeros((3, 2)), np.zeros((3, 2)), 2, 2, "tsne")
