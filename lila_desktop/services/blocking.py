"""The one way services run blocking work (keyring, crypto, sqlite, pymongo)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def run_blocking(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `fn` in the default thread pool so the event loop (and the window) stays live."""
    return await asyncio.to_thread(functools.partial(fn, *args, **kwargs))
