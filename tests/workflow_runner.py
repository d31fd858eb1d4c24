"""Run the real Snakemake workflow on a tiny config in a scratch folder."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


def write_config(workdir: Path, config: dict) -> Path:
    """Write config/config.yaml in workdir, where the Snakefile looks for it."""
    path = workdir / "config" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def snakemake(workdir: Path, *args: str, check: bool = True):
    """Run snakemake on the repository's Snakefile with workdir as directory."""
    command = [
        *SNAKEMAKE,
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
        *args,
    ]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
        )
    return result


def planned_jobs(workdir: Path, *args: str) -> set[tuple[str, str]]:
    """(rule, set) of every job a dry run would run; the target rule left out."""
    out = snakemake(workdir, "--dry-run", *args).stdout
    jobs = set()
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", out):
        match = re.match(r"(?:local)?rule (\w+):", block)
        if not match or match.group(1) == "all":
            continue
        wildcard = re.search(r"wildcards: .*?set=([^,\s]+)", block)
        jobs.add((match.group(1), wildcard.group(1) if wildcard else ""))
    return jobs
