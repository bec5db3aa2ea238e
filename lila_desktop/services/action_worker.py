"""One session's action worker: action chains and commands, one at a time, in order.

The supervisor decides on arrival (the policy is pure and fast) and hands the
resulting chain of actions here, so a number's next event is never stuck behind
its own engine round trips, seals and backups. Commands run here too, between
two chains and never in the middle of one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from lila_desktop.core.actions import Action
from lila_desktop.core.policy import SessionState

logger = logging.getLogger(__name__)


@dataclass
class Command:
    run: Callable[[], Awaitable[Any]]
    done: asyncio.Future[Any]


@dataclass(frozen=True)
class Chain:
    """The actions of one transition, with what it decided: an action carried out
    later still acts on that state and client generation, not on the current ones."""

    actions: tuple[Action, ...]
    state: SessionState
    generation: int


Item = Chain | Command | None  # None: finish what is queued, then stop

_current: ContextVar[ActionWorker | None] = ContextVar("action_worker", default=None)


class ActionWorker:
    def __init__(
        self,
        name: str,
        run_chain: Callable[[Chain], Awaitable[None]],
        after_item: Callable[[], None],
    ) -> None:
        self._run_chain = run_chain
        self._after_item = after_item
        self._items: deque[Item] = deque()
        self._wake = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._run(), name=name)

    def put(self, item: Item) -> None:
        self._items.append(item)
        self._wake.set()

    def on_worker(self) -> bool:
        """True inside this worker's task (a command it runs): the caller may act inline."""
        return _current.get() is self

    async def run_decided_chains(self) -> None:
        """Inside a command: carry out every chain decided so far, in order, so that
        whatever the command decides next acts after them (never before)."""
        while True:
            chain = next((i for i in self._items if isinstance(i, Chain)), None)
            if chain is None:
                return
            self._items.remove(chain)
            await self._run_chain(chain)

    async def _run(self) -> None:
        _current.set(self)
        while True:
            while not self._items:
                self._wake.clear()
                await self._wake.wait()
            item = self._items.popleft()
            if item is None:
                return
            if isinstance(item, Command):
                await _run_command(item)
            else:
                await self._run_chain(item)
            self._after_item()


async def _run_command(command: Command) -> None:
    try:
        result = await command.run()
    except Exception as exc:
        if not command.done.done():
            command.done.set_exception(exc)
    else:
        if not command.done.done():
            command.done.set_result(result)
