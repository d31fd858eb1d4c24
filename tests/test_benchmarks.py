"""The benchmark scripts the README names run and print what they claim."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench_assign(*args: str) -> dict[str, list[str]]:
    """Rows of bench_assign.py's table by method name, as columns."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/bench_assign.py"), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {}
    for line in done.stdout.splitlines()[1:]:
        fields = line.split()
        rows[" ".join(fields[2:-4])] = fields
    return rows


@pytest.mark.parametrize("cloud", ["blobs", "uniform"])
def test_bench_assign_compares_each_way_with_the_exact_cost(cloud):
    rows = _bench_assign("--cloud", cloud, "--sizes", "300")

    assert set(rows) == {"original", "new", "new exact_max=256"}
    assert float(rows["original"][-1]) == 1.0
    assert float(rows["new"][-1]) == pytest.approx(1.0, abs=1e-9)
    # Forced onto the approximate path, it must still be within 1 %.
    assert 1.0 <= float(rows["new exact_max=256"][-1]) <= 1.01


def test_bench_assign_clouds_differ():
    blobs = _bench_assign("--cloud", "blobs", "--sizes", "300")
    uniform = _bench_assign("--cloud", "uniform", "--sizes", "300")

    assert blobs["new exact_max=256"][-1] != uniform["new exact_max=256"][-1]
