"""Keeping the app's memory flat on Linux (the 2-hour soak, bench/README.md).

The soak showed the app's RSS climbing ~17 MB an hour while its Python heap
(tracemalloc) grew ~2 MB an hour: the rest was glibc's per-thread malloc
arenas. Each of the executor's 64 workers (SQLite, crypto, JSON off the
loop) may get an arena of its own, up to 8 per core, and freed memory in an
arena is rarely handed back. Two arenas are enough for this load, and a
trim now and then returns what is free. Windows and macOS allocators do not
work this way: nothing to do there.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import functools
import sys

from lila_desktop.services.blocking import run_blocking

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2
TRIM_EVERY_S = 300.0


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018  (musl has no mallopt: skip quietly)
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas() -> bool:
    """Before the executor's threads start: at most ARENAS malloc arenas."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, ARENAS))


def trim() -> bool:
    """Hand free memory of every arena back to the system (glibc's malloc_trim)."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))


class MemoryTrimmer:
    """A Runtime service: trims every TRIM_EVERY_S seconds, off the loop."""

    def __init__(self, every: float = TRIM_EVERY_S) -> None:
        self.every = every
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if _glibc() is not None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            await run_blocking(trim)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
