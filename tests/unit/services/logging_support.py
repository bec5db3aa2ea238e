"""The app's logging set up for one test, and the root logger put back after."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from lila_desktop.services.logs import configure_logging


@contextlib.contextmanager
def app_logging(data_dir: Path, *, json_lines: bool = False) -> Iterator[logging.Logger]:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    configure_logging(data_dir, json_lines=json_lines)
    try:
        yield root
    finally:
        for handler in list(root.handlers):
            handler.close()
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)
