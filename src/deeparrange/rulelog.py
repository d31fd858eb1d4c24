"""Route a rule script's logging into the rule's log file."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("deeparrange")


@contextmanager
def logged(snakemake) -> Iterator[logging.Logger]:
    """Log to the rule's log file; record the traceback of any failure there."""
    handler = logging.FileHandler(snakemake.log[0], mode="w")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    began = time.perf_counter()
    log.info("rule %s, wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    try:
        yield log
    except Exception:
        log.exception("rule %s failed", snakemake.rule)
        raise
    finally:
        log.info("took %.2f s", time.perf_counter() - began)
        root.removeHandler(handler)
        handler.close()
