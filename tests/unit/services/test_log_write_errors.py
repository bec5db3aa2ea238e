"""A log that cannot be written (a full disk) loses lines quietly and says so
once, never Python's "--- Logging error ---" traceback for every record."""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lila_desktop.services.logs import PrivateFileHandler, log_file
from tests.unit.services.logging_support import app_logging

FULL = Path("/dev/full")  # the kernel's own ENOSPC on every write


@pytest.fixture
def file_handler(tmp_path: Path) -> Iterator[PrivateFileHandler]:
    with app_logging(tmp_path) as root:
        yield next(h for h in root.handlers if isinstance(h, PrivateFileHandler))


@pytest.mark.skipif(not os.access(FULL, os.W_OK), reason="no /dev/full on this system")
def test_a_full_disk_drops_log_lines_quietly_and_counts_them(
    file_handler: PrivateFileHandler, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("lila_desktop.test_full_disk")
    logger.info("before the disk filled")
    written, full = file_handler.stream, FULL.open("w", encoding="utf-8")
    file_handler.stream = full
    try:
        for n in range(50):
            logger.warning("line %d on a full disk", n)
    finally:
        file_handler.stream = written  # the space is back
        with contextlib.suppress(OSError):  # what it still holds cannot be flushed
            full.close()
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err[:500]
    said = [line for line in err.splitlines() if "could not be written" in line]
    assert len(said) == 1 and "No space left on device" in said[0], said
    assert file_handler.dropped == 50
    logger.info("space again")
    file_handler.flush()
    lines = [json.loads(line)["msg"] for line in log_file(tmp_path).read_text().splitlines()]
    assert lines == [
        "before the disk filled",
        "space again",
        "50 log line(s) were lost: the log could not be written",
    ]
    assert file_handler.dropped == 0
