import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA

from deeparrange.quality import dpq
from deeparrange.sorting import flas, las, sort_grid

METHODS = [las, flas]


def _pca_assign(features, rows, cols):
    """Baseline: PCA to 2-D, scaled to the grid, exact assignment to cells."""
    points = PCA(n_components=2, random_state=0).fit_transform(features)
    points = (points - points.min(axis=0)) / np.ptp(points, axis=0)
    points *= [rows - 1, cols - 1]
    centres = np.column_stack(np.divmod(np.arange(rows * cols), cols))
    items, cells = linear_sum_assignment(cdist(points, centres))
    return cells[np.argsort(items)]


@pytest.fixture(scope="module")
def colours():
    return np.random.default_rng(0).random((256, 3))


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_gives_same_layout(method, colours):
    first = method(colours[:100], 10, 10, seed=3)

    assert np.array_equal(first, method(colours[:100], 10, 10, seed=3))
    assert not np.array_equal(first, method(colours[:100], 10, 10, seed=4))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("n", "rows", "cols"),
    [(256, 16, 16), (150, 8, 20), (35, 7, 5), (3, 1, 5), (1, 2, 2)],
)
def test_each_item_gets_its_own_cell(method, n, rows, cols):
    features = np.random.default_rng(n).normal(size=(n, 6))

    cells = method(features, rows, cols, seed=0)

    assert cells.dtype == np.int64 and cells.shape == (n,)
    assert len(np.unique(cells)) == n
    assert cells.min() >= 0 and cells.max() < rows * cols


@pytest.mark.parametrize("method", METHODS)
def test_sorted_layout_beats_random_and_pca_assignment(method, colours):
    random_cells = np.random.default_rng(1).permutation(256)

    sorted_dpq = dpq(colours, method(colours, 16, 16), 16, 16)["dpq"]

    assert sorted_dpq > dpq(colours, random_cells, 16, 16)["dpq"] + 0.4
    assert sorted_dpq > dpq(colours, _pca_assign(colours, 16, 16), 16, 16)["dpq"] + 0.05


@pytest.mark.parametrize("method", METHODS)
def test_sorting_with_empty_cells_keeps_quality(method, colours):
    # 200 items on 12 x 20 = 240 cells: 40 cells stay empty.
    cells = method(colours[:200], 12, 20, seed=2)

    assert dpq(colours[:200], cells, 12, 20)["dpq"] > 0.9


def test_line_of_values_sorts_into_order():
    values = np.random.default_rng(5).permutation(30).astype(float)[:, None]

    cells = flas(values, 1, 30)

    assert dpq(values, cells, 1, 30)["dpq"] == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["las", "flas"])
def test_sort_grid_dispatches_by_name(name, colours):
    direct = {"las": las, "flas": flas}[name](colours[:64], 8, 8, seed=7)

    assert np.array_equal(sort_grid(colours[:64], 8, 8, method=name, seed=7), direct)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda f: las(f, 3, 3), "choose a grid"),
        (lambda f: flas(f, 0, 20), "choose a grid"),
        (lambda f: las(f[:, 0], 4, 4), r"expected \[n >= 1, d\]"),
        (lambda f: flas(f, 4, 4, radius_decay=1.0), "radius_decay=1.0"),
        (lambda f: las(f, 4, 4, start_radius=0.5), "start_radius=0.5"),
        (lambda f: flas(f, 4, 4, swap_size=1), "swap_size=1"),
        (lambda f: flas(f, 4, 4, swaps_per_cell=0), "swaps_per_cell=0"),
        (lambda f: sort_grid(f, 4, 4, method="som"), "method='som'"),
        (lambda f: flas(np.where(f > 0.5, np.inf, f), 4, 4), "NaN or infinite"),
    ],
)
def test_bad_input_is_rejected(call, match, colours):
    with pytest.raises(ValueError, match=match):
        call(colours[:10])


@pytest.mark.parametrize("method", METHODS)
def test_more_dimensions_than_items_sort_like_their_plane(method, colours):
    # 100 colours rotated into 300-D: same distances, so about the same quality.
    rotation, _ = np.linalg.qr(np.random.default_rng(8).normal(size=(300, 300)))
    wide = np.pad(colours[:100], ((0, 0), (0, 297))) @ rotation

    cells = method(wide, 10, 10)

    assert dpq(wide, cells, 10, 10)["dpq"] == pytest.approx(
        dpq(colours[:100], method(colours[:100], 10, 10), 10, 10)["dpq"], abs=0.02
    )
