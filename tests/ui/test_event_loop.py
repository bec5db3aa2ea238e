"""The window's loop batches ready callbacks into one Qt timer, keeping asyncio's rules."""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import QAbstractEventDispatcher

from tests.ui.conftest import LoopRunner


def test_ready_callbacks_run_in_order_once_and_skip_the_cancelled(qloop: LoopRunner) -> None:
    loop = qloop.loop
    seen: list[str] = []

    async def scenario() -> None:
        done = loop.create_future()
        loop.call_soon(seen.append, "a")
        loop.call_soon(lambda: loop.call_soon(seen.append, "c (next pass)"))
        cancelled = loop.call_soon(seen.append, "never")
        cancelled.cancel()
        loop.call_soon(seen.append, "b")
        loop.call_soon(lambda: 1 / 0)  # reaches the exception handler, not the others
        loop.call_soon(seen.append, "d")

        def from_thread() -> None:
            loop.call_soon_threadsafe(lambda: (seen.append("e"), done.set_result(None)))

        threading.Thread(target=from_thread).start()
        async with asyncio.timeout(10):  # a failure bound: "e" ran, and all before it
            await done

    errors: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    qloop.run(scenario())
    assert [x for x in seen if x != "e"] == ["a", "b", "d", "c (next pass)"]
    assert seen.count("e") == 1  # from another thread, in its own time
    assert len(errors) == 1 and isinstance(errors[0].get("exception"), ZeroDivisionError)


def test_tasks_and_futures_work_on_it(qloop: LoopRunner) -> None:
    async def worker(n: int) -> int:
        await asyncio.sleep(0)
        return n * 2

    async def scenario() -> list[int]:
        return list(await asyncio.gather(*(worker(n) for n in range(50))))

    assert qloop.run(scenario()) == [n * 2 for n in range(50)]


def test_a_burst_of_callbacks_costs_one_qt_timer(qloop: LoopRunner) -> None:
    loop = qloop.loop
    starts: list[int] = []
    real_start = loop._soon.start

    def counting(*args: object) -> None:  # a spy: the real timer starts
        starts.append(1)
        real_start(*args)

    loop._soon.start = counting

    async def scenario() -> int:
        ran: list[int] = []
        starts.clear()
        for n in range(100):
            loop.call_soon(ran.append, n)
        for _ in range(100):  # loop passes, not time: one pass should run them all
            await asyncio.sleep(0)
            if len(ran) == 100:
                break
        return len(ran)

    try:
        assert qloop.run(scenario()) == 100
    finally:
        del loop._soon.start
    # One timer for the hundred callbacks, a few for the task and the sleep's wake-up.
    assert len(starts) <= 5, len(starts)


def test_timers_run_in_order_never_early_and_never_when_cancelled(qloop: LoopRunner) -> None:
    loop = qloop.loop

    async def scenario() -> list[tuple[float, float]]:
        t0 = loop.time()
        seen: list[tuple[float, float]] = []
        done = loop.create_future()
        for delay in (0.03, 0.01, 0.02, 0.01):
            loop.call_later(delay, lambda d=delay: seen.append((d, loop.time() - t0)))
        loop.call_later(0.015, seen.append, (-1.0, -1.0)).cancel()
        loop.call_at(t0 + 0.04, done.set_result, None)
        await done
        return seen

    seen = qloop.run(scenario())
    assert [d for d, _ in seen] == [0.01, 0.01, 0.02, 0.03]
    assert all(at >= d for d, at in seen), seen


def test_cancelled_timeouts_leave_no_qt_timer_behind(qloop: LoopRunner) -> None:
    """Every engine request is guarded by a 30 s wait_for; qasync left each one's Qt
    timer registered for the whole 30 s after the answer came (thousands at 200 numbers)."""
    loop = qloop.loop

    async def scenario() -> None:
        for _ in range(1000):
            await asyncio.wait_for(asyncio.sleep(0), 30)

    qloop.run(scenario())
    dispatcher = QAbstractEventDispatcher.instance()
    assert dispatcher is not None
    lingering = [
        info
        for owner in (loop._timer, loop._soon, loop._wake)
        for info in dispatcher.registeredTimers(owner)
    ]
    assert len(lingering) <= 2, len(lingering)
    assert len(loop._scheduled) <= 100  # the cancelled ones are dropped, not kept for 30 s
