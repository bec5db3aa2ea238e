"""Keeping `sessions.json` in step with the pool, off the loop thread.

Every published snapshot may change what is saved for its number (name, wish
to run, parked status); a burst of changes becomes one debounced write, and
the last change is flushed at close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.registry import SessionEntry, SessionRegistry, parked

logger = logging.getLogger(__name__)

REGISTRY_DEBOUNCE = 0.2  # seconds: coalesces bursts of changes to the session list


class RegistrySync:
    def __init__(self, registry: SessionRegistry, phones: Iterable[str]) -> None:
        self.registry = registry
        self._phones = phones  # the pool's numbers, in the pool's order
        self.persisted: dict[str, SessionEntry] = {}
        self.restoring: set[str] = set()  # their transient stop is not persisted
        self.task: asyncio.Task[None] | None = None
        self._dirty = False
        # One write at a time, in the order asked: a debounced write of an older
        # list must never land after write_now's newer one.
        self._writing = asyncio.Lock()

    def persist_if_changed(self, snapshot: SessionSnapshot) -> None:
        if snapshot.phone in self.restoring:
            return  # a crash mid-restore must not leave the number saved as stopped
        status = parked(snapshot.status)
        if snapshot.status is Status.REPLACED and snapshot.next_retry_at is not None:
            status = None  # a first 'replaced' retries by itself: not parked across a restart
        entry = SessionEntry(
            phone=snapshot.phone,
            name=snapshot.name,
            desired=snapshot.desired,
            parked_status=status,
            message=snapshot.message if status else None,
        )
        if self.persisted.get(snapshot.phone) != entry:
            self.persisted[snapshot.phone] = entry
            self.save()

    def save(self) -> None:
        """Write the list soon, off the loop thread; a burst (200 numbers added)
        becomes one write instead of 200 full rewrites with fsync."""
        self._dirty = True
        if self.task is None or self.task.done():
            loop = asyncio.get_running_loop()
            self.task = loop.create_task(self._write())

    async def flush(self) -> None:
        """At close the last change of the list is on disk, even when the debounced
        writer failed (its error is logged, the write is tried once more): a failed
        list write never stops the stores from being sealed."""
        task = self.task
        if task is not None:
            try:
                await task
            except Exception as exc:
                logger.warning("the session list writer failed (%r); writing it again", exc)
                self._dirty = True
        if self._dirty:
            self._dirty = False
            await self._save()

    async def write_now(self) -> None:
        """The list as it is now, on disk before returning (not debounced): a
        destructive step waits for it. A failure is logged; the step goes on
        (a list that cannot be written must not keep a logout from resetting)."""
        await self._save()

    async def write_pending(self) -> None:
        """A change waiting for the debounced writer is on disk before returning (an
        owner's command is answered once saved: a kill -9 right after Take over
        must not bring the parked status back at the next start)."""
        if not self._dirty:
            async with self._writing:  # a write under way lands first
                return
        try:
            await self._save()
        except Exception:  # the command itself was done: the debounced writer tries again
            logger.exception("could not save the session list now; trying again")
            self.save()

    async def _save(self) -> None:
        """The list as it is when this write's turn comes (the newest wins)."""
        async with self._writing:
            try:
                await run_blocking(self.registry.save, self._entries())
            except OSError as exc:
                logger.error("could not save the session list: %s", exc)

    def _entries(self) -> list[SessionEntry]:
        return [self.persisted[p] for p in self._phones if p in self.persisted]

    async def _write(self) -> None:
        while self._dirty:
            await asyncio.sleep(REGISTRY_DEBOUNCE)
            self._dirty = False
            await self._save()
