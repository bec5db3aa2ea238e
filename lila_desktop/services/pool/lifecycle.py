"""Starting the pool (vault, engine, the saved numbers) and closing it in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Self

from lila_desktop.core.events import UserStart
from lila_desktop.core.policy import SessionState
from lila_desktop.core.status import Status
from lila_desktop.services.pool.housekeeping import Housekeeping

logger = logging.getLogger(__name__)


class Lifecycle(Housekeeping):
    async def start(self) -> None:
        """Open the vault, start the engine, bring back the saved sessions."""
        await self.vault.open()
        await self.engine.start()
        for entry in self.registry.load():
            sup = self._create(entry.phone, entry.name)
            self._saved.persisted[entry.phone] = entry
            # An outdated number is tried again: this start may be the update.
            retry = entry.parked_status == Status.OUTDATED.value and entry.desired
            if entry.parked_status is not None and not retry:
                sup.restore_state(
                    SessionState(
                        status=Status(entry.parked_status),
                        desired=entry.desired,
                        since=self.clock(),
                        message=entry.message,
                    )
                )
            elif entry.desired:
                sup.post(UserStart())
        loop = asyncio.get_running_loop()
        self._housekeeping = loop.create_task(self._housekeep())
        self._network_task = loop.create_task(self.network.run())

    async def aclose(self) -> None:
        """Stop every session, seal every store, stop the engine. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for task in (self._housekeeping, self._network_task):
            if task is not None:
                task.cancel()
        results = await asyncio.gather(
            *(sup.aclose() for sup in self._sessions.values()), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                logger.error("closing a session failed: %r", result)
        await self._saved.flush()
        with contextlib.suppress(Exception):
            await self.engine.aclose()
        await self.vault.aclose()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
