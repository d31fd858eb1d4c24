"""Time grid assignment, the original dense way against assign_to_grid.

Reads nothing; prints a table of seconds (median of 3), items/s, peak traced
memory and the cost ratio new/exact. Run: python benchmarks/bench_assign.py
"""

import argparse
import statistics
import sys
import time
import tracemalloc
from functools import partial
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from deeparrange.assignment import (  # noqa: E402
    assign_to_grid,
    assignment_cost,
    cell_centres,
    grid_shape,
    scale_to_grid,
)

SIZES = (1024, 2500, 10_000, 100_000)
QUICK_SIZES = (1024, 2500, 10_000)
# The dense way is about cubic in n: 9 s at 2,500, minutes at 10,000.
ORIGINAL_MAX = 2500
FORCED_EXACT_MAX = 256


def mixture_cloud(n: int, seed: int = 0) -> np.ndarray:
    """Seeded 2-D cloud [n, 2]: eight Gaussian blobs of different widths."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(8, 2))
    widths = rng.uniform(0.3, 1.5, size=8)
    label = rng.integers(8, size=n)
    return centres[label] + rng.normal(size=(n, 2)) * widths[label, None]


def uniform_cloud(n: int, seed: int = 0) -> np.ndarray:
    """Seeded 2-D cloud [n, 2], uniform on the unit square: long loops to fix."""
    return np.random.default_rng(seed).random((n, 2))


CLOUDS = {"blobs": mixture_cloud, "uniform": uniform_cloud}


def assign_original(points: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """The original way: cost matrix from a Python double loop, then scipy."""
    scaled = scale_to_grid(points, rows, cols)
    centres = cell_centres(rows, cols)
    cost = np.empty((len(scaled), len(centres)))
    for i, (x, y) in enumerate(scaled):
        for j, (cx, cy) in enumerate(centres):
            cost[i, j] = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
    item, cell = linear_sum_assignment(cost)
    cells = np.empty(len(scaled), dtype=np.int64)
    cells[item] = cell
    return cells


def measure(solve, repeats: int = 3) -> tuple[float, float, np.ndarray]:
    """Median seconds of repeats, peak traced MiB of one more run, cells."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        cells = solve()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    solve()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 10,000")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="point counts, instead of the default"
    )
    parser.add_argument(
        "--cloud", choices=sorted(CLOUDS), default="blobs", help="point cloud"
    )
    args = parser.parse_args()

    header = f"{'n':>7} {'grid':>9} {'method':<22} {'s':>8} {'items/s':>9}"
    print(f"{header} {'peak MiB':>9} {'cost/exact':>10}")
    for n in args.sizes or (QUICK_SIZES if args.quick else SIZES):
        points = CLOUDS[args.cloud](n)
        rows, cols = grid_shape(n)
        scaled = scale_to_grid(points, rows, cols)
        methods = [("new", partial(assign_to_grid, points, rows, cols))]
        exact = None
        if n <= ORIGINAL_MAX:
            methods.insert(
                0, ("original", partial(assign_original, points, rows, cols))
            )
            methods.append(
                (
                    f"new exact_max={FORCED_EXACT_MAX}",
                    partial(
                        assign_to_grid, points, rows, cols, exact_max=FORCED_EXACT_MAX
                    ),
                )
            )
        for name, solve in methods:
            seconds, peak, cells = measure(solve)
            cost = assignment_cost(scaled, cells, cols)
            if name == "original":
                exact = cost
            ratio = f"{cost / exact:10.5f}" if exact else f"{'-':>10}"
            print(
                f"{n:>7} {f'{rows}x{cols}':>9} {name:<22} {seconds:8.2f} "
                f"{n / seconds:9.0f} {peak:9.1f} {ratio}",
                flush=True,
            )
        if n > ORIGINAL_MAX:
            print(
                f"{n:>7} {f'{rows}x{cols}':>9} {'original':<22} skipped: "
                f"~n^3 time, dense {n * rows * cols * 8 / 2**30:.1f} GiB matrix",
                flush=True,
            )


if __name__ == "__main__":
    main()
