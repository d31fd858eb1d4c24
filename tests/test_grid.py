"""Default grid shapes: few holes, never wider than 3:2."""

import math

import pytest

from deeparrange.grid import MAX_ASPECT, grid_shape


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, (1, 1)),
        (2, (1, 2)),
        (4, (2, 2)),
        (5, (2, 3)),
        (10, (3, 4)),
        (52, (6, 9)),
        (96, (8, 12)),
        (112, (9, 13)),
        (1024, (32, 32)),
        (3783, (55, 69)),
    ],
)
def test_grid_shape(n, expected):
    assert grid_shape(n) == expected


@pytest.mark.parametrize("n", range(3, 400))
def test_grid_holds_the_set_with_no_more_holes_than_the_square_one(n):
    rows, cols = grid_shape(n)
    assert rows * cols >= n
    assert rows <= cols <= MAX_ASPECT * rows
    square_cols = math.isqrt(n - 1) + 1
    assert rows * cols <= square_cols * -(-n // square_cols)


def test_grid_shape_rejects_zero_items():
    with pytest.raises(ValueError, match="n=0"):
        grid_shape(0)
