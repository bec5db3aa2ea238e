"""The lock over neonize's shared Go maps (hazard 13), without Go: who may overlap whom."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from lila_desktop.services.transports.go_lock import GoLock

pytestmark = pytest.mark.asyncio


async def until(condition: Callable[[], bool]) -> None:
    """Step the event loop until `condition` holds (5 s is a failure bound, not a timing)."""
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0)


async def test_calls_share_but_never_overlap_a_set_up_or_a_stop() -> None:
    lock = GoLock()
    inside: list[str] = []
    overlaps: list[tuple[str, ...]] = []
    gate = asyncio.Event()

    async def call(name: str) -> str:
        inside.append(name)
        overlaps.append(tuple(inside))
        await gate.wait()
        inside.remove(name)
        return name

    async def exclusive(name: str) -> None:
        async with lock.exclusive():
            overlaps.append((name, *inside))
            await asyncio.sleep(0)

    first = asyncio.ensure_future(lock.call(call("send1"), hold=60))
    second = asyncio.ensure_future(lock.call(call("send2"), hold=60))
    await until(lambda: inside == ["send1", "send2"])
    stop = asyncio.ensure_future(exclusive("stop"))
    await until(lambda: lock._writers_waiting == 1)
    late = asyncio.ensure_future(lock.call(call("send3"), hold=60))
    # until stop and send3 both wait on the lock (or send3 wrongly got in)
    await until(lambda: len(lock._cond._waiters) == 2 or "send3" in inside)
    assert not stop.done() and inside == ["send1", "send2"]  # two calls share
    assert "send3" not in inside  # a waiting stop goes before later calls
    gate.set()
    assert await asyncio.gather(first, second, late) == ["send1", "send2", "send3"]
    await stop
    assert ("stop",) in overlaps  # the stop ran alone
    assert overlaps.index(("stop",)) < overlaps.index(("send3",))


async def test_a_call_stuck_in_go_lets_go_of_the_lock_after_its_hold() -> None:
    lock = GoLock()
    stuck = asyncio.Event()
    call = asyncio.ensure_future(lock.call(stuck.wait(), hold=0.05))
    await asyncio.sleep(0)  # the call takes its share first
    assert lock._readers == 1
    async with asyncio.timeout(5):
        async with lock.exclusive():  # would wait forever if the call kept its share
            assert not call.done()
    stuck.set()
    assert await call is True


async def test_a_failing_call_releases_its_share() -> None:
    lock = GoLock()

    async def boom() -> None:
        raise RuntimeError("Go said no")

    with pytest.raises(RuntimeError):
        await lock.call(boom())
    async with asyncio.timeout(5), lock.exclusive():
        pass
