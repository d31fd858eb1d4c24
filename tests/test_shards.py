"""Embedding in shards gives the same embeddings.npy as embedding in one job.

Runs the workflow locally up to results/tiny/embeddings.npy in two temporary
working directories, with shard_size 5 (three embed jobs) and 4096 (one).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

LETTERS = "ABCDEFGHIJKL"
TARGET = "results/tiny/embeddings.npy"


def embed(workdir: Path, shard_size: int) -> Path:
    """Run the workflow on the twelve letters up to TARGET; the workdir."""
    workdir.mkdir()
    config = {
        "seed": 0,
        "embedding": {"weights": "random", "shard_size": shard_size, "batch_size": 8},
        "sets": {
            "tiny": {"font": "LiberationSerif-Regular.ttf", "characters": LETTERS}
        },
    }
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    # --directory: results/ land in workdir and config/config.yaml is not read.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--directory",
            str(workdir),
            "--configfile",
            str(workdir / "config.yaml"),
            "--cores",
            "2",
            TARGET,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return workdir


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    return embed(tmp_path_factory.mktemp("runs") / "shards-of-5", 5)


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    return embed(tmp_path_factory.mktemp("runs") / "one-shard", 4096)


@pytest.mark.parametrize(
    ("run", "rows"), [("sharded", [5, 5, 2]), ("whole", [len(LETTERS)])]
)
def test_shard_files_split_the_set(run, rows, request):
    workdir = request.getfixturevalue(run)
    shards = sorted((workdir / "results/tiny/embeddings").glob("shard-*.npy"))
    assert [np.load(p).shape for p in shards] == [(n, 2048) for n in rows]


def test_sharded_embeddings_equal_one_job(sharded, whole):
    sharded_bytes = (sharded / TARGET).read_bytes()
    whole_bytes = (whole / TARGET).read_bytes()
    assert sharded_bytes == whole_bytes
