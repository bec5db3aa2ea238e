"""One lock over neonize's shared Go state (NEONIZE_NOTES hazards 1 and 13).

neonize keeps its clients, stop signals and event channels in plain Go maps.
A client's set-up (`Neonize()`, which runs *after* `await connect()` returns)
and `Stop` write them; every other call (send, pair, logout) reads them. Go
aborts the whole process on a write concurrent with any other access, so:
set-up and stop are exclusive; calls are shared with each other but never
with set-up or stop. Waiting writers go first, so a stream of sends cannot
starve a connect.

A call holds its share only while Go can still be at its map lookup (the
first thing every exported function does): until it returns, or `hold`
seconds, whichever comes first. A send stuck on the network then no longer
keeps every other number from connecting.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

T = TypeVar("T")

CALL_HOLD = 2.0  # far above the microseconds Go takes to reach its map lookup


class GoLock:
    def __init__(self) -> None:
        self._cond = asyncio.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0
        self.exclusive_holds = 0  # for stats and tests

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Set-up and stop: nothing else touches the maps meanwhile."""
        async with self._cond:
            self._writers_waiting += 1
            try:
                await self._cond.wait_for(lambda: not self._writer and self._readers == 0)
            finally:
                self._writers_waiting -= 1
            self._writer = True
            self.exclusive_holds += 1
        try:
            yield
        finally:
            async with self._cond:
                self._writer = False
                self._cond.notify_all()

    @property
    def locked(self) -> bool:
        return self._writer

    async def _acquire_shared(self) -> None:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._writer and self._writers_waiting == 0)
            self._readers += 1

    async def _release_shared(self) -> None:
        async with self._cond:
            self._readers -= 1
            self._cond.notify_all()

    async def call(self, work: Awaitable[T], *, hold: float = CALL_HOLD) -> T:
        """Run one Go call; hold a share until it returns or `hold` seconds pass."""
        await self._acquire_shared()
        task = asyncio.ensure_future(work)
        released = False
        try:
            done, _ = await asyncio.wait({task}, timeout=hold)
            if not done:
                released = True
                await self._release_shared()
            return await task
        finally:
            if not released:
                await asyncio.shield(self._release_shared())
