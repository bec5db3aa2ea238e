"""Garbage collection on the GUI thread only.

CPython's cyclic collector runs in whichever thread happens to allocate when
a generation fills up; in the window's process that is often a pymongo
monitor or an executor worker. A Python-owned QObject in a reference cycle
(a dialog whose slot refers back to it, a timer held by what it calls) is
then destroyed on that thread: its timers stay registered with the GUI
thread's dispatcher and the next timer event lands on freed memory (a
segfault in QTimerInfoList::activateTimers, seen in CI).

So the window's process turns automatic collection off and collects from a
timer on the GUI thread by CPython's own rule (a generation is collected when
its count passes its threshold): as much garbage is collected, never on the
wrong thread. The same approach as pyqtgraph's and Orange's GarbageCollector.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

logger = logging.getLogger(__name__)

CHECK_MS = 250  # how often the counts are looked at; a check is ~1 µs when nothing is due


class GuiThreadCollector(QObject):
    """Owns the process's cyclic garbage collection while it runs (`start`/`stop`)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.collected = 0  # objects found unreachable, for the curious
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setObjectName("gc-on-the-gui-thread")
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Hand collection back as it was (a last one runs here, on this thread)."""
        self._timer.stop()
        self.collected += gc.collect()
        if self._was_enabled:
            gc.enable()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as CPython would."""
        counts = gc.get_count()
        generation = -1
        for gen in range(3):
            if self.threshold[gen] and counts[gen] > self.threshold[gen]:
                generation = gen
            else:
                break
        if generation >= 0:
            self.collected += gc.collect(generation)
