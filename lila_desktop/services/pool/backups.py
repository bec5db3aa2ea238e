"""The owner's backups of a number: take one now, list them, restore one."""

from __future__ import annotations

import logging

from lila_desktop.core.backup_naming import InvalidBackupTimestamp, parse_timestamp
from lila_desktop.core.events import UserStart, UserStop
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.pool.errors import RestoreOutcome
from lila_desktop.services.pool.state import PoolState
from lila_desktop.services.vault import BackupInfo, BackupNotFound, InvalidTimestamp
from lila_desktop.services.wording import english

logger = logging.getLogger(__name__)

# After a restore, the statuses that mean WhatsApp refused the restored device.
REMOVED = frozenset({Status.QR, Status.LOGGED_OUT})


class BackupCommands(PoolState):
    async def backup_now(self, phone: str) -> BackupInfo | None:
        sup = self._get(phone)
        result: BackupInfo | None = await sup.call(
            lambda: sup.run_backup("manual", connected=sup.snapshot.is_connected)
        )
        return result

    async def list_backups(self, phone: str) -> list[BackupInfo]:
        return await self.vault.list_backups(self._get(phone).phone)

    async def restore(
        self, phone: str, timestamp: str | None = None, *, wait: float = 30.0
    ) -> RestoreOutcome:
        """Stop, back up, swap in a backup, reconnect, and say honestly how it went."""
        outcome = await self._restore(phone, timestamp, wait)
        for callback in list(self._restore_observers):
            try:
                callback(outcome)
            except Exception:
                logger.exception("restore observer failed")
        return outcome

    async def _restore(self, phone: str, timestamp: str | None, wait: float) -> RestoreOutcome:
        sup = self._get(phone)

        async def run() -> BackupInfo:
            await self._check_backup(sup.phone, timestamp)  # refuse before stopping
            was_running = sup.state.desired
            self._saved.restoring.add(sup.phone)
            try:
                await sup.apply(UserStop())
                try:
                    info = await self.vault.restore(sup.phone, timestamp)
                except BaseException:
                    if was_running:  # nothing was swapped: carry on as before
                        await sup.apply(UserStart())
                    raise
                await sup.apply(UserStart())
            finally:
                self._saved.restoring.discard(sup.phone)
                self._saved.persist_if_changed(sup.snapshot)
            return info

        info = await sup.call(run)
        await self._saved.write_pending()  # a kill now must not bring the old parked status back

        def settled(s: SessionSnapshot) -> bool:
            return s.status in (Status.CONNECTED, Status.QR, Status.LOGGED_OUT) or (
                s.status.needs_user
            )

        try:
            snap = await self.wait_for(sup.phone, settled, wait)
        except TimeoutError:
            snap = sup.snapshot
            return RestoreOutcome(
                info,
                False,
                snap.status,
                "The backup is back in place, but WhatsApp has not answered yet; "
                "Lila keeps trying by itself.",
            )
        if snap.status is Status.CONNECTED:
            return RestoreOutcome(info, True, snap.status, "Restored: the number is connected.")
        if snap.status in REMOVED:
            return RestoreOutcome(
                info,
                False,
                snap.status,
                "WhatsApp did not accept this backup: the phone removed this device, and "
                "a removed device cannot come back. Link the number again with a new QR.",
            )
        # The login itself was not refused (an outdated app's 405, a session open
        # elsewhere...): the device is still linked, and a QR would not help.
        said = english(snap.message) or f"The number is {snap.status.value}."
        return RestoreOutcome(
            info, False, snap.status, f"The backup is back in place. {said}", snap.message
        )

    async def _check_backup(self, phone: str, timestamp: str | None) -> None:
        """Raise InvalidTimestamp / BackupNotFound while nothing has changed yet."""
        if timestamp is not None:
            try:
                parse_timestamp(timestamp)
            except InvalidBackupTimestamp as exc:
                raise InvalidTimestamp(str(exc)) from None
        backups = await self.vault.list_backups(phone)
        if timestamp is None and not backups:
            raise BackupNotFound(f"{phone} has no backup yet; link it with a new QR instead.")
        if timestamp is not None and all(b.timestamp != timestamp for b in backups):
            raise BackupNotFound(
                f"No backup of {phone} from {timestamp}. List the backups to pick one."
            )
