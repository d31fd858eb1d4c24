"""Rule scripts log to their log file, native stderr included."""

import logging
import os
from types import SimpleNamespace

import pytest

from deeparrange.rulelog import logged


def _job(tmp_path):
    return SimpleNamespace(
        log=[str(tmp_path / "rule.log")], rule="embed_shard", wildcards={"set": "x"}
    )


def test_logging_and_native_stderr_reach_the_log(tmp_path):
    job = _job(tmp_path)
    with logged(job):
        logging.getLogger("deeparrange.embed").info("embedded 3/3 items")
        os.write(2, b"I0000 oneDNN custom operations are on\n")
    text = (tmp_path / "rule.log").read_text()
    assert "rule embed_shard, wildcards {'set': 'x'}" in text
    assert "embedded 3/3 items" in text
    assert "oneDNN custom operations" in text
    assert "took" in text


def test_a_failure_is_logged_with_its_traceback_and_raised(tmp_path, capfd):
    job = _job(tmp_path)
    with pytest.raises(ValueError, match="clusters: 9"):
        with logged(job):
            raise ValueError("clusters: 9 is more than the 4 items")
    text = (tmp_path / "rule.log").read_text()
    assert "rule embed_shard failed" in text and "Traceback" in text
    os.write(2, b"after\n")
    assert "after" in capfd.readouterr().err
