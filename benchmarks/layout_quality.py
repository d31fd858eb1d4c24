"""Compare grid layouts of random RGB colours by DPQ_16 and run time.

Prints a table for random, PCA + assignment, LAS and FLAS layouts of 1,024
colours on 32x32 (several seeds), and FLAS on 16,384 colours on 128x128.
Usage: python benchmarks/layout_quality.py [--quick]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from deeparrange.quality import dpq  # noqa: E402
from deeparrange.sorting import flas, las  # noqa: E402


def random_layout(features, rows, cols, seed):
    """Items in random cells."""
    return np.random.default_rng(seed).permutation(rows * cols)[: len(features)]


def pca_assign(features, rows, cols, seed):
    """PCA to 2-D, scaled to the grid, exact assignment to cell centres."""
    points = PCA(n_components=2, random_state=seed).fit_transform(features)
    span = np.ptp(points, axis=0)
    points = (points - points.min(axis=0)) / np.where(span > 0, span, 1.0)
    points *= [rows - 1, cols - 1]
    centres = np.column_stack(np.divmod(np.arange(rows * cols), cols))
    items, cells = linear_sum_assignment(cdist(points, centres))
    return cells[np.argsort(items)]


METHODS = {
    "random": random_layout,
    "pca_assign": pca_assign,
    "las": lambda f, r, c, seed: las(f, r, c, seed=seed),
    "flas": lambda f, r, c, seed: flas(f, r, c, seed=seed),
}


def measure(method, side, seeds):
    """DPQ_16 values, wall and CPU seconds of one method over seeded colours."""
    scores, seconds, cpu = [], [], []
    for seed in seeds:
        colours = np.random.default_rng(seed).random((side * side, 3))
        start, start_cpu = time.perf_counter(), time.process_time()
        cells = METHODS[method](colours, side, side, seed)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        result = dpq(colours, cells, side, side, p=16)
        scores.append(result["dpq"])
    return np.array(scores), np.array(seconds), np.array(cpu), result["exact"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 seeds, and 64x64 for the large run"
    )
    args = parser.parse_args()
    seeds = range(2) if args.quick else range(5)
    large = 64 if args.quick else 128

    rows = []
    for method in METHODS:
        rows.append((method, 32, *measure(method, 32, seeds)))
    rows.append(("flas", large, *measure("flas", large, [0])))

    # CPU time shows the cost apart from other load on the machine.
    header = f"{'method':<11} {'grid':>8} {'seeds':>5} {'DPQ_16':>16}"
    print(f"{header} {'median s':>9} {'cpu s':>7}")
    for method, side, scores, seconds, cpu, exact in rows:
        spread = scores.std(ddof=1) if len(scores) > 1 else 0.0
        score = f"{scores.mean():.4f} +- {spread:.4f}"
        note = "" if exact else "  (DPQ sampled over 1024 cells)"
        print(
            f"{method:<11} {f'{side}x{side}':>8} {len(scores):>5} {score:>16} "
            f"{np.median(seconds):>9.2f} {np.median(cpu):>7.2f}{note}"
        )


if __name__ == "__main__":
    main()
