"""`async_slot`: qasync's `asyncSlot()` with a type mypy can follow.

A slot written as `async def` runs as a task on the qasync loop; an exception
in it reaches `sys.excepthook` (pytest-qt turns that into a test failure).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, cast

import shiboken6
from qasync import asyncSlot

P = ParamSpec("P")


def async_slot(fn: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    return cast("Callable[P, None]", asyncSlot()(fn))


def alive(obj: object) -> bool:
    """False once Qt deleted the C++ side: a slot resuming after an await checks this
    before touching its widget (the window may have closed meanwhile)."""
    return bool(shiboken6.isValid(obj))
