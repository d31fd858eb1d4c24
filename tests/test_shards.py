"""Embedding in shards gives the same embeddings.npy as embedding in one job.

Runs the workflow locally up to results/tiny/embeddings.npy in two temporary
working directories, with shard_size 5 (three embed jobs) and 4096 (one).
"""

from pathlib import Path

import numpy as np
import pytest
from workflow_runner import snakemake, write_config

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
    write_config(workdir, config)
    snakemake(workdir, TARGET)
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
