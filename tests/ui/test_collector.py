"""Garbage is collected on the GUI thread only (lila_desktop/ui/collector.py).

A QObject in a reference cycle freed by the collector on a worker thread
(pymongo's monitor, an executor worker) left its timers registered: a
segfault later. With the product's collector running, a worker that
allocates frees nothing; the GUI thread's timer collects it all.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from lila_desktop.ui.collector import GuiThreadCollector


class Cycle:
    """Garbage that only the cyclic collector can free, holding a Qt object."""

    def __init__(self, seen: list[threading.Thread]) -> None:
        self.me = self
        self.seen = seen
        self.timer = QTimer()  # Python-owned, as a slot's lambda or a dialog's field

    def __del__(self) -> None:
        self.seen.append(threading.current_thread())


def _garbage_then_a_busy_worker(seen: list[threading.Thread], held: list[Any]) -> None:
    for _ in range(50):
        Cycle(seen)
    # Enough new containers for CPython to run the collector in the worker.
    worker = threading.Thread(target=lambda: held.append([[] for _ in range(5000)]))
    worker.start()
    worker.join()


def test_cycles_are_freed_on_the_gui_thread_not_where_memory_is_allocated(
    _collect_on_the_gui_thread: GuiThreadCollector, qtbot: Any
) -> None:
    assert not gc.isenabled(), "every UI test runs with the product's collector"
    seen: list[threading.Thread] = []
    held: list[Any] = []
    _garbage_then_a_busy_worker(seen, held)
    assert seen == [], "nothing may be freed on the worker"
    qtbot.waitUntil(lambda: len(seen) == 50, timeout=5000)  # the GUI thread's timer
    assert set(seen) == {threading.main_thread()}


def test_without_it_the_worker_frees_them(_collect_on_the_gui_thread: GuiThreadCollector) -> None:
    """What the collector prevents (the test above stands on this being real)."""
    _collect_on_the_gui_thread.stop()  # CPython's own automatic collection
    try:
        assert gc.isenabled()
        seen: list[threading.Thread] = []
        _garbage_then_a_busy_worker(seen, [])
        assert seen and threading.main_thread() not in seen, "the worker freed them"
    finally:
        _collect_on_the_gui_thread.start()


def test_stop_hands_collection_back(qapp: QApplication) -> None:
    gc.enable()
    collector = GuiThreadCollector()
    collector.start()
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
    gc.disable()  # as the fixture's collector left it


def test_a_check_follows_cpython_thresholds(qapp: QApplication) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        gc.collect()
        collector.check()  # nothing due: nothing collected, no work
        before = collector.collected
        seen: list[threading.Thread] = []
        for _ in range(collector.threshold[0] + 10):
            Cycle(seen)
        collector.check()
        assert collector.collected > before and seen
    finally:
        collector.stop()
