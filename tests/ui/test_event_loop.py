"""The window's loop batches ready callbacks into one Qt timer, keeping asyncio's rules."""

from __future__ import annotations

import asyncio
import threading

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
        threading.Thread(target=loop.call_soon_threadsafe, args=(seen.append, "e")).start()
        loop.call_later(0.05, done.set_result, None)
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
    timers = loop._timer
    started: list[object] = []
    real_add = timers.add_callback

    def counting(handle: object, delay: float = 0) -> object:  # a spy: the real timer starts
        started.append(handle)
        return real_add(handle, delay)

    timers.add_callback = counting

    async def scenario() -> int:
        ran: list[int] = []
        started.clear()
        for n in range(100):
            loop.call_soon(ran.append, n)
        await asyncio.sleep(0.01)
        return len(ran)

    try:
        assert qloop.run(scenario()) == 100
    finally:
        timers.add_callback = real_add
    # One timer for the hundred callbacks, a few for the task, the sleep and its wake-up.
    assert len(started) <= 10, len(started)
