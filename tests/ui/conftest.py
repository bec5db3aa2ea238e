"""UI tests: Qt offscreen, a fresh qasync loop per test, and a real pool on it.

Loop exceptions (an exception in a callback or a task nobody awaited) are
collected by the loop's exception handler and re-raised when the test ends,
so a failure inside an async slot can never pass silently.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists
os.environ.setdefault("LILA_SIM_TIME_SCALE", "0.01")

import pytest
import qasync
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from lila_desktop.services.pool import SessionPool
from lila_desktop.ui import i18n
from lila_desktop.ui.collector import GuiThreadCollector
from lila_desktop.ui.event_loop import BatchingEventLoop
from tests.conftest import MemoryKeyStore, PoolHarness, build_test_pool

T = TypeVar("T")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform cannot pass size hints to a window manager it does
    # not have, and says so at WARNING level each time a dialog opens.
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


class LoopRunner:
    """A per-test qasync loop; `run(coro)` drives it until the coroutine is done."""

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop
        self.errors: list[dict[str, Any]] = []
        loop.set_exception_handler(lambda _loop, context: self.errors.append(context))

    def run(self, coro: Awaitable[T], timeout: float = 60.0) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp: QApplication) -> Iterator[GuiThreadCollector]:
    """The collector on, as the window's process runs it: the product's
    GuiThreadCollector collects from a timer on this (the GUI) thread, so a
    Python-owned QObject in a cycle is never freed on a worker thread."""
    collector = GuiThreadCollector()
    collector.start()
    try:
        yield collector
    finally:
        collector.stop()


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[LoopRunner]:
    qapp.setQuitOnLastWindowClosed(False)  # as run_gui does: hiding a window is not quitting
    loop = BatchingEventLoop(qapp)  # the app's loop (ui/main.py)
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=64))
    runner = LoopRunner(loop)
    i18n.install_language("en")
    try:
        yield runner
    finally:
        # deleteLater()s of this test happen now, while its loop still runs.
        loop.run_until_complete(asyncio.sleep(0))
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)
    if runner.errors:
        first = runner.errors[0]
        exc = first.get("exception")
        if isinstance(exc, BaseException):
            raise exc
        raise AssertionError(f"event loop error: {first.get('message')}")


@pytest.fixture
def ui_harness(qloop: LoopRunner, tmp_path: Path) -> Iterator[PoolHarness]:
    """A started pool on the simulated transport, running on the test's qasync loop."""
    data_dir, runtime_dir = tmp_path / "data", tmp_path / "run"
    pool: SessionPool = build_test_pool(data_dir, runtime_dir, MemoryKeyStore())
    qloop.run(pool.start())
    try:
        yield PoolHarness(pool, data_dir, runtime_dir)
    finally:
        qloop.run(pool.aclose())


async def wait_until(
    predicate: Callable[[], object], timeout: float = 10.0, what: str = ""
) -> None:
    """Poll `predicate` on the loop (qtbot.waitUntil would re-enter the loop from a task)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.01)
