"""The window's asyncio loop: qasync's, with ready callbacks and timers batched.

qasync runs every `call_soon` as its own zero-delay Qt timer, and every
`call_later` as its own Qt timer that stays registered until its delay has
passed even when the handle was cancelled: with 200 numbers flapping that is
thousands of timers started a second on the GUI thread and, as every engine
request is guarded by a 30 s `wait_for`, some ten thousand dead ones waiting
in Qt's timer list (bench/bench_pool.py, profile). Here, as in asyncio's own
loop, the callbacks made ready in one pass share one Qt timer and run in order
in one drain (those scheduled meanwhile run in the next pass), and delayed
callbacks wait in a heap behind one Qt timer armed for the earliest of them;
a cancelled one is only marked, and dropped when it comes up or when most of
the heap is dead.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import math
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import qasync
from PySide6.QtCore import Qt, QTimer

_MIN_HEAP_FOR_COMPACTION = 100  # as asyncio: rebuild the heap when half of it is cancelled


class BatchingEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ready_batch: deque[asyncio.Handle] = deque()
        self._drain_pending = False
        self._debug_enabled = False
        self._scheduled: list[asyncio.TimerHandle] = []
        self._cancelled_timers = 0
        self._soon = QTimer()
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._drain)
        self._wake = QTimer()
        self._wake.setSingleShot(True)
        self._wake.setTimerType(Qt.TimerType.PreciseTimer)
        self._wake.timeout.connect(self._run_due)
        self._wake_at = math.inf
        super().__init__(*args, **kwargs)

    # --- ready callbacks -----------------------------------------------------

    def call_soon(
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context=context)
        self._ready_batch.append(handle)
        if not self._drain_pending:
            self._drain_pending = True
            self._soon.start()
        return handle

    def _drain(self) -> None:
        self._drain_pending = False
        batch, self._ready_batch = self._ready_batch, deque()
        self._run_handles(batch)

    def get_debug(self) -> bool:
        # Every Handle asks; qasync answers through a name-mangled attribute.
        return self._debug_enabled

    def set_debug(self, enabled: bool) -> None:
        self._debug_enabled = enabled
        super().set_debug(enabled)

    # --- delayed callbacks ---------------------------------------------------

    def call_later(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        return self.call_at(self.time() + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        if self.is_closed():
            raise RuntimeError("Event loop is closed")
        handle = asyncio.TimerHandle(when, callback, args, self, context=context)
        heapq.heappush(self._scheduled, handle)
        _mark_scheduled(handle, True)
        if when < self._wake_at:
            self._arm(when)
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        # TimerHandle.cancel() calls this while the handle is in our heap.
        self._cancelled_timers += 1
        heap = self._scheduled
        if len(heap) > _MIN_HEAP_FOR_COMPACTION and self._cancelled_timers * 2 > len(heap):
            live = [h for h in heap if not h._cancelled]
            for h in heap:
                if h._cancelled:
                    _mark_scheduled(h, False)
            heapq.heapify(live)
            self._scheduled = live
            self._cancelled_timers = 0

    def _arm(self, when: float) -> None:
        self._wake_at = when
        # Rounded up: a Qt timer fires no earlier than asked, so the handle is due then.
        self._wake.start(max(0, math.ceil((when - self.time()) * 1000)))

    def _run_due(self) -> None:
        heap = self._scheduled
        due: list[asyncio.TimerHandle] = []
        now = self.time()
        while heap and (heap[0]._cancelled or heap[0].when() <= now):
            handle = heapq.heappop(heap)
            _mark_scheduled(handle, False)
            if handle._cancelled:
                self._cancelled_timers -= 1
            else:
                due.append(handle)
        self._wake_at = math.inf
        if heap:
            self._arm(heap[0].when())
        self._run_handles(due)

    # --- running ---------------------------------------------------------------

    def _run_handles(self, handles: Iterable[asyncio.Handle]) -> None:
        # Qt may dispatch our timers outside run_forever (a processEvents while
        # the loop is not running, as pytest-qt does between a test and its
        # teardown): the callbacks are still this loop's, so it counts as
        # running for them (to_thread and asyncio.wait need a running loop).
        outside = asyncio._get_running_loop() is None
        if outside:
            asyncio._set_running_loop(self)
        try:
            for handle in handles:
                if not handle._cancelled:
                    handle._run()  # exceptions go to the loop's handler, as in asyncio
        finally:
            if outside:
                asyncio._set_running_loop(None)

    def close(self) -> None:
        super().close()  # refuses a running loop
        self._soon.stop()
        self._wake.stop()
        for handle in self._scheduled:
            _mark_scheduled(handle, False)
        self._scheduled.clear()
        self._ready_batch.clear()


def _mark_scheduled(handle: asyncio.TimerHandle, scheduled: bool) -> None:
    # asyncio's own flag (not in the type stubs): cancel() tells the loop only while set.
    setattr(handle, "_scheduled", scheduled)  # noqa: B010
