"""Run a tiny set through profiles/slurm on a local SLURM and compare with a local run.

Writes temporary working directories: a dry run with the profile; a run by
SLURM jobs (embedding in three shards, each job asking for a GPU); a local run.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# Twelve letters in shards of five: three embed jobs, the last one short.
CONFIG = {
    "seed": 0,
    "embedding": {"weights": "random", "gpus": 1, "shard_size": 5, "batch_size": 8},
    "sets": {
        "tiny": {
            "font": "LiberationSerif-Regular.ttf",
            "characters": "ABCDEFGHIJKL",
            "clusters": 3,
        }
    },
}
SHARDS = 3
COMPARED = ["embeddings.npy", "grid_assignment.csv", "clusters.csv"]
# The test node has two CPUs: a job's 4 threads would be asked of SLURM as 4
# CPUs and never fit. Both runs use the same threads, so they compare; the
# glyphs are drawn the same in any number of processes (test_glyphs.py).
COMMON_ARGS = ["--set-threads", "embed_shard=1", "render_glyphs=2"]
SLURM_ARGS = [
    "--profile",
    str(ROOT / "profiles/slurm"),
    # Poll every few seconds, not every 40: jobs here take seconds. MinJobAge
    # of the test cluster (600 s) is far above 3 x this first delay.
    "--slurm-init-seconds-before-status-checks",
    "3",
    "--seconds-between-status-checks",
    "3",
]
SUBMITTED = re.compile(r"submitted with SLURM jobid (\d+) \(log: \S*/rule_(\w+)/")
DRY_RUN_JOB = re.compile(
    r"^(?:local)?rule (\w+):\n(?:    .*\n)*?    resources: (.*)", re.M
)


def snakemake(workdir: Path, *args: str) -> subprocess.Popen:
    """Start the workflow on CONFIG in workdir; stdout and stderr go to run.log."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yaml"
    config.write_text(yaml.safe_dump(CONFIG))
    # --directory keeps results/ and .snakemake/ in workdir; config/config.yaml
    # is not there, so the workflow sees the sets of CONFIG alone.
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(config),
        *COMMON_ARGS,
        *args,
    ]
    with open(workdir / "run.log", "w") as out:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out)


def finish(run: subprocess.Popen, workdir: Path, timeout: float) -> str:
    """Wait for a run; its log, or a failure that shows the log's end."""
    try:
        code = run.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.terminate()
        run.wait(timeout=60)
        code = "timeout"
    text = (workdir / "run.log").read_text()
    if code != 0:
        pytest.fail(f"snakemake in {workdir} ended with {code}:\n{text[-4000:]}")
    return text


@pytest.fixture(scope="module")
def runs(slurm_cluster, tmp_path_factory):
    """Workdirs and logs of the SLURM run and of the local run of CONFIG."""
    slurm_dir = tmp_path_factory.mktemp("slurm")
    local_dir = tmp_path_factory.mktemp("local")
    # The SLURM run mostly waits on polls, so the local run goes alongside.
    local = snakemake(local_dir, "--cores", "1")
    slurm = snakemake(slurm_dir, *SLURM_ARGS)
    try:
        slurm_log = finish(slurm, slurm_dir, timeout=480)
        finish(local, local_dir, timeout=300)
    finally:
        for run in (local, slurm):
            if run.poll() is None:
                run.terminate()
                run.wait(timeout=60)
    return {"slurm": slurm_dir, "local": local_dir, "slurm_log": slurm_log}


def slurm_jobs(log_text: str) -> dict[str, list[str]]:
    """SLURM job ids by rule, from the executor's submission lines."""
    jobs: dict[str, list[str]] = {}
    for job_id, rule in SUBMITTED.findall(log_text):
        jobs.setdefault(rule, []).append(job_id)
    return jobs


def job_record(job_id: str) -> dict[str, str]:
    """scontrol's fields of a job; the cluster keeps finished jobs 600 s."""
    out = subprocess.run(
        ["scontrol", "--oneliner", "show", "job", job_id],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(re.findall(r"(\S+?)=(\S*)", out))


def test_profile_asks_gpus_for_embed_jobs_alone(tmp_path):
    # A dry run needs no SLURM, yet rejects a profile key no option matches.
    dry_run = snakemake(tmp_path, "--profile", str(ROOT / "profiles/slurm"), "-n")
    jobs = DRY_RUN_JOB.findall(finish(dry_run, tmp_path, timeout=120))
    assert [rule for rule, _ in jobs].count("embed_shard") == SHARDS
    for rule, listed in jobs:
        asked = dict(item.split("=", 1) for item in listed.split(", "))
        assert {"mem_mb", "runtime"} <= set(asked), (rule, asked)
        assert asked.get("gpu") == ("1" if rule == "embed_shard" else None), rule


@pytest.mark.slurm
@pytest.mark.slow
def test_each_shard_is_a_completed_gpu_job(runs):
    embed_jobs = slurm_jobs(runs["slurm_log"]).get("embed_shard", [])
    assert len(embed_jobs) == SHARDS
    for job_id in embed_jobs:
        record = job_record(job_id)
        assert record["JobState"] == "COMPLETED", record
        assert record.get("TresPerJob") == "gres:gpu:1", record


@pytest.mark.slurm
@pytest.mark.slow
def test_other_jobs_ask_for_no_gpu(runs):
    jobs = slurm_jobs(runs["slurm_log"])
    others = [j for rule, ids in jobs.items() if rule != "embed_shard" for j in ids]
    assert {"render_glyphs", "gather_embeddings", "assign_grid"} <= set(jobs)
    for job_id in others:
        record = job_record(job_id)
        assert record["JobState"] == "COMPLETED", record
        assert "gpu" not in record.get("TresPerJob", ""), record


@pytest.mark.slurm
@pytest.mark.slow
def test_shards_cover_the_set(runs):
    shards = sorted((runs["slurm"] / "results/tiny/embeddings").glob("shard-*.npy"))
    assert [p.name for p in shards] == [f"shard-{i:04d}.npy" for i in range(SHARDS)]


@pytest.mark.slurm
@pytest.mark.slow
@pytest.mark.parametrize("name", COMPARED)
def test_slurm_output_equals_local_output(runs, name):
    slurm = (runs["slurm"] / "results/tiny" / name).read_bytes()
    local = (runs["local"] / "results/tiny" / name).read_bytes()
    assert slurm == local
