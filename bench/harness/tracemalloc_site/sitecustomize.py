"""Heap snapshots of a soaked process, for the soak only (never shipped).

The soak puts this folder first on the app's PYTHONPATH and sets
LILA_SOAK_TRACEMALLOC_DIR: Python imports `sitecustomize` at start-up, so the
unmodified app (and its engine) trace their allocations from the first import
and dump a `tracemalloc` snapshot every LILA_SOAK_TRACEMALLOC_EVERY seconds
(default 600) into that folder as `<role>-<pid>-<n>.snap`. The soak compares
an early snapshot with the last one to name what grew.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path


def _start(folder: Path, every: float) -> None:
    role = "engine" if "--engine" in sys.argv else "app"
    tracemalloc.start(1)

    def dump_forever() -> None:
        n = 0
        while True:
            time.sleep(every)
            snap = tracemalloc.take_snapshot()
            final = folder / f"{role}-{os.getpid()}-{n:03d}.snap"
            tmp = final.with_suffix(".tmp")
            snap.dump(str(tmp))
            # The overhead of tracing itself, so the soak can take it off the RSS.
            tmp.with_suffix(".meta").write_text(
                f"{time.time()} {tracemalloc.get_traced_memory()[0]} "
                f"{tracemalloc.get_tracemalloc_memory()}\n"
            )
            os.replace(tmp.with_suffix(".meta"), final.with_suffix(".meta"))
            os.replace(tmp, final)
            n += 1

    threading.Thread(target=dump_forever, name="soak-tracemalloc", daemon=True).start()


_folder = os.environ.get("LILA_SOAK_TRACEMALLOC_DIR")
if _folder:
    _start(Path(_folder), float(os.environ.get("LILA_SOAK_TRACEMALLOC_EVERY", "600")))
