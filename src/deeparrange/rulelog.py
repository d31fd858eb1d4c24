"""Route a rule script's logging, and its process's stderr, into the rule's log.

Native libraries (TensorFlow's C++ runtime) write to file descriptor 2, so
that descriptor is pointed at the log too while the rule runs.
"""

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("deeparrange")


@contextmanager
def logged(snakemake) -> Iterator[logging.Logger]:
    """Log to the rule's log file; record the traceback of any failure there.

    A failure is re-raised after stderr is restored, so Snakemake's console
    shows it as well.
    """
    path = snakemake.log[0]
    # Both writers append, so neither overwrites what the other wrote.
    open(path, "w").close()
    handler = logging.FileHandler(path, mode="a")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with open(path, "a") as native:
        os.dup2(native.fileno(), 2)
    began = time.perf_counter()
    log.info("rule %s, wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    try:
        yield log
    except Exception:
        log.exception("rule %s failed", snakemake.rule)
        raise
    finally:
        log.info("took %.2f s", time.perf_counter() - began)
        sys.stderr.flush()
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        root.removeHandler(handler)
        handler.close()
