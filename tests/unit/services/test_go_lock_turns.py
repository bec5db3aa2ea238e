"""The Go lock's turns, step by step on one loop (no Go, no clock).

Whether a set-up/stop or a call gets in is read after letting the loop run
a few steps: a turn that is free is taken at once, one that is not never is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from lila_desktop.services.transports.go_lock import GoLock

STEPS = 10  # loop steps a free turn needs at most (Condition, wait_for, task start)


async def _steps() -> None:
    for _ in range(STEPS):
        await asyncio.sleep(0)


async def _exclusive_gets_in(lock: GoLock) -> bool:
    """Whether a set-up/stop would get in now (it is withdrawn either way)."""
    entered = asyncio.Event()

    async def setup() -> None:
        async with lock.exclusive():
            entered.set()

    task = asyncio.ensure_future(setup())
    await _steps()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return entered.is_set()


async def _call_gets_in(lock: GoLock) -> bool:
    entered = asyncio.Event()

    async def work() -> None:
        entered.set()

    coro = work()
    task = asyncio.ensure_future(lock.call(coro))
    await _steps()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    coro.close()  # never started when the call did not get in
    return entered.is_set()


async def _held(lock: GoLock, release: asyncio.Event) -> asyncio.Task[None]:
    """A set-up holding the lock until `release`."""
    inside = asyncio.Event()

    async def setup() -> None:
        async with lock.exclusive():
            inside.set()
            await release.wait()

    task = asyncio.ensure_future(setup())
    await inside.wait()
    return task


@pytest.mark.asyncio
async def test_a_new_lock_lets_anyone_in() -> None:
    lock = GoLock()
    assert not lock.locked and lock.exclusive_holds == 0
    assert await _call_gets_in(lock)
    assert await _exclusive_gets_in(lock)
    assert lock.exclusive_holds == 1 and not lock.locked


@pytest.mark.asyncio
async def test_a_set_up_keeps_calls_and_other_set_ups_out_until_it_ends() -> None:
    lock = GoLock()
    release = asyncio.Event()
    setup = await _held(lock, release)
    assert lock.locked
    assert not await _call_gets_in(lock)
    assert not await _exclusive_gets_in(lock)
    release.set()
    await setup
    assert not lock.locked
    assert await _call_gets_in(lock) and await _exclusive_gets_in(lock)
    assert lock.exclusive_holds == 2


@pytest.mark.asyncio
async def test_finished_calls_give_their_shares_back() -> None:
    lock = GoLock()
    gate = asyncio.Event()
    results = await asyncio.gather(
        lock.call(asyncio.sleep(0, "a"), hold=60),
        lock.call(asyncio.sleep(0, "b"), hold=60),
        lock.call(asyncio.sleep(0, "c"), hold=60),
    )
    assert results == ["a", "b", "c"]
    assert await _exclusive_gets_in(lock)  # no share left behind
    # Two calls at once, one ending first: the other still keeps a set-up out.
    slow = asyncio.ensure_future(lock.call(gate.wait(), hold=60))
    assert await lock.call(asyncio.sleep(0, "fast"), hold=60) == "fast"
    assert not await _exclusive_gets_in(lock)
    gate.set()
    assert await slow is True
    assert await _exclusive_gets_in(lock)


@pytest.mark.asyncio
async def test_a_waiting_set_up_goes_before_new_calls() -> None:
    lock = GoLock()
    gate = asyncio.Event()
    running = asyncio.ensure_future(lock.call(gate.wait(), hold=60))
    await _steps()
    order: list[str] = []

    async def setup() -> None:
        async with lock.exclusive():
            order.append("set-up")

    async def send() -> None:
        order.append("send")

    waiting = asyncio.ensure_future(setup())
    await _steps()
    late = asyncio.ensure_future(lock.call(send(), hold=60))
    await _steps()
    assert order == []  # the set-up waits for the running call; the send waits for both
    gate.set()
    await asyncio.gather(running, waiting, late)
    assert order == ["set-up", "send"]


@pytest.mark.asyncio
async def test_a_call_that_ends_within_its_hold_keeps_its_share_to_the_end() -> None:
    lock = GoLock()
    gate = asyncio.Event()
    call = asyncio.ensure_future(lock.call(gate.wait(), hold=60))
    await _steps()
    assert not await _exclusive_gets_in(lock)
    gate.set()
    await call
    assert await _exclusive_gets_in(lock)


@pytest.mark.asyncio
async def test_a_call_past_its_hold_gives_its_share_back_once() -> None:
    lock = GoLock()
    gate = asyncio.Event()
    call = asyncio.ensure_future(lock.call(gate.wait(), hold=0))
    await _steps()
    assert await _exclusive_gets_in(lock)  # stuck in Go: no longer holds anyone up
    other = asyncio.ensure_future(lock.call(asyncio.Event().wait(), hold=60))
    await _steps()
    gate.set()
    assert await call is True
    # The stuck call ended without handing back a second share: the other one
    # still holds the lock.
    assert not await _exclusive_gets_in(lock)
    other.cancel()
    await asyncio.gather(other, return_exceptions=True)
    assert await _exclusive_gets_in(lock)


@pytest.mark.asyncio
async def test_a_call_runs_the_work_it_was_given() -> None:
    lock = GoLock()

    async def answer() -> int:
        return 42

    work: Awaitable[int] = answer()
    assert await lock.call(work) == 42
