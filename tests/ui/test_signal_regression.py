"""PySide6 6.12.0 aborts CPython 3.11 after ~570 Python-side emits (TOOLCHAIN.md).

Runs in a child process so that an abort shows up as a failed test with its
output, not as a crashed test run.
"""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = r"""
import asyncio, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from concurrent.futures import ThreadPoolExecutor
import qasync
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

class Source(QObject):
    ticked = Signal(int)

app = QApplication([])
src = Source()
seen = []
src.ticked.connect(seen.append)
for i in range(5000):
    src.ticked.emit(i)
assert len(seen) == 5000, len(seen)

loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
loop.set_default_executor(ThreadPoolExecutor(max_workers=64))

async def main():
    # qasync wakes the loop with a signal inside call_soon_threadsafe.
    results = await asyncio.gather(*(asyncio.to_thread(lambda n=n: n) for n in range(3000)))
    assert sum(results) == sum(range(3000))

with loop:
    loop.run_until_complete(main())
print("OK", len(seen))
"""


def test_thousands_of_signal_emits_do_not_abort() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=90, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "OK 5000"
