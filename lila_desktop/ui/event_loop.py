"""The window's asyncio loop: qasync's, with the ready callbacks batched.

qasync runs every `call_soon` as its own zero-delay Qt timer: a timer
started, a timer event dispatched into Python, a timer killed, per callback.
With 200 numbers flapping that is thousands of timers a second on the GUI
thread (bench/bench_pool.py, profile). Here the callbacks made ready in one
pass share one timer and run in order in one drain, as in asyncio's own
loop; those scheduled while it drains run in the next pass.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Callable
from typing import Any

import qasync


class BatchingEventLoop(qasync.QEventLoop):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._ready_batch: deque[asyncio.Handle] = deque()
        self._drain_pending = False
        super().__init__(*args, **kwargs)

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
            super().call_later(0, self._drain)
        return handle

    def _drain(self) -> None:
        self._drain_pending = False
        batch, self._ready_batch = self._ready_batch, deque()
        # Qt may dispatch this timer outside run_forever (a processEvents while
        # the loop is not running, as pytest-qt does between a test and its
        # teardown): the callbacks are still this loop's, so it counts as
        # running for them (to_thread and asyncio.wait need a running loop).
        outside = asyncio._get_running_loop() is None
        if outside:
            asyncio._set_running_loop(self)
        try:
            for handle in batch:
                if not handle._cancelled:
                    handle._run()  # exceptions go to the loop's handler, as in asyncio
        finally:
            if outside:
                asyncio._set_running_loop(None)
