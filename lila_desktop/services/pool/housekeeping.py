"""Periodic care of every number: seal the live stores, take backups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from lila_desktop.services.backup_state import BackupFailed
from lila_desktop.services.pool.state import PoolState
from lila_desktop.services.supervisor import SessionSupervisor

logger = logging.getLogger(__name__)

SEAL_INTERVAL = 60.0  # live stores are sealed at least this often (~50 ms for 5 MB)
BACKUP_INTERVAL = 6 * 3600.0  # periodic backup (skipped when unchanged)


class Housekeeping(PoolState):
    async def _housekeep(self) -> None:
        """Seal live stores regularly; take periodic backups (deduplicated)."""
        last_backup = time.monotonic()
        while True:
            await asyncio.sleep(SEAL_INTERVAL)
            for sup in list(self._sessions.values()):
                try:
                    await self.vault.seal(sup.phone)
                except Exception:
                    logger.exception("%s: periodic seal failed", sup.phone)
            if time.monotonic() - last_backup >= BACKUP_INTERVAL:
                last_backup = time.monotonic()
                for sup in list(self._sessions.values()):
                    if sup.snapshot.is_connected:
                        try:
                            await self._periodic_backup(sup)
                        except Exception:
                            logger.exception("%s: periodic backup failed", sup.phone)

    async def _periodic_backup(self, sup: SessionSupervisor) -> None:
        async def run() -> None:
            with contextlib.suppress(BackupFailed):  # shown on the number, retried there
                await sup.run_backup("periodic", connected=True)

        await sup.call(run)
