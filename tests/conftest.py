"""Shared fixtures: a one-node SLURM on localhost for the tests marked slurm.

The fixture runs .ci/slurm-up.sh (packages, config, daemons) once per session
and .ci/slurm-down.sh at its end, which stops only the daemons it started.
"""

import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


def _missing_for_slurm() -> str | None:
    """Why this machine cannot bring up SLURM, or None when it can."""
    if os.geteuid() != 0:
        return "bringing up SLURM needs root (packages, /etc/slurm, daemons)"
    if shutil.which("apt-get") is None and shutil.which("slurmctld") is None:
        return "bringing up SLURM needs apt-get or installed SLURM daemons"
    return None


@pytest.fixture(scope="session")
def slurm_cluster():
    """A one-node SLURM with two fake GPUs; skips where it cannot run.

    DEEPARRANGE_REQUIRE_SLURM=1 turns the skip into a failure, for CI.
    """
    reason = _missing_for_slurm()
    if reason:
        if os.environ.get("DEEPARRANGE_REQUIRE_SLURM") == "1":
            pytest.fail(f"DEEPARRANGE_REQUIRE_SLURM=1 but {reason}")
        pytest.skip(reason)
    # Two fake GPUs let two embed jobs run at once on the test machine.
    env = {**os.environ, "SLURM_GPUS": os.environ.get("SLURM_GPUS", "2")}
    start = time.monotonic()
    up = subprocess.run(
        [str(ROOT / ".ci/slurm-up.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if up.returncode != 0:
        subprocess.run([str(ROOT / ".ci/slurm-down.sh")], check=False)
        pytest.fail(f".ci/slurm-up.sh failed:\n{up.stdout}\n{up.stderr}")
    log.info("SLURM up in %.1f s", time.monotonic() - start)
    yield
    down = subprocess.run(
        [str(ROOT / ".ci/slurm-down.sh")], capture_output=True, text=True
    )
    assert down.returncode == 0, f".ci/slurm-down.sh failed:\n{down.stderr}"
