"""The one place where the asyncio pool meets Qt (qutebrowser's bridge pattern).

The pool calls our observers on the loop thread (which, under qasync, is the
GUI thread); we keep the newest snapshot per number and emit them as one
batch when the named `snapshot_flush_timer` fires, so a burst of hundreds of
status changes becomes one model update per interval. Every pool and vault
call is an `async` method here; widgets await them from `@asyncSlot`s, and a
refused request comes back as `ActionError` carrying plain words for the owner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.ui.aslot import alive

if TYPE_CHECKING:  # the pool and the send path load after the window shows (ui/main.py)
    from lila_desktop.core.quota import QuotaLedger
    from lila_desktop.services.outbox import Outbox
    from lila_desktop.services.outbox.send import SentMessage
    from lila_desktop.services.pool import RestoreOutcome, SessionPool
    from lila_desktop.services.vault import BackupInfo

logger = logging.getLogger(__name__)
T = TypeVar("T")

# One frame: at most ~60 model updates per second, whatever the pool does, and a
# status change shows within the 50 ms that bench/bench_pool.py holds us to.
FLUSH_INTERVAL_MS = 16


def _expected() -> tuple[type[Exception], ...]:
    """Refusals the owner can act on; anything else is a bug and propagates.
    (Imported at the first request: by then the runtime has loaded them.)"""
    from lila_desktop.core.phone import InvalidPhoneNumber
    from lila_desktop.core.quota import QuotaError
    from lila_desktop.services.engine.client import EngineError
    from lila_desktop.services.messaging import MessageRefused
    from lila_desktop.services.outbox import OutboxError
    from lila_desktop.services.pool import PoolError
    from lila_desktop.services.vault import VaultError

    return (
        PoolError,
        VaultError,
        InvalidPhoneNumber,
        EngineError,
        OSError,
        MessageRefused,
        QuotaError,
        OutboxError,
    )


class ActionError(Exception):
    """A pool/vault request that was refused; str(e) tells the owner what to do,
    in the owner's language (ui/refusals.py).

    `cause` is the refusal as the pool, the ledger or the send path raised it,
    for widgets that put it in their own (translated) words.
    """

    def __init__(self, message: str, *, cause: Exception | None = None) -> None:
        super().__init__(message)
        self.cause = cause


class PoolBridge(QObject):
    snapshots_changed = Signal(object)  # list[SessionSnapshot], newest per number
    session_removed = Signal(str)  # phone
    notice_received = Signal(object)  # Notice
    backups_changed = Signal(str)  # phone: a backup was taken, restored or removed
    busy_changed = Signal(bool)  # some request is running

    def __init__(
        self,
        pool: SessionPool | None,
        *,
        transport: str | None = None,
        flush_interval_ms: int = FLUSH_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        """`pool` None: the window shows before the runtime is built (ui/main.py); no
        numbers until `set_pool`. `transport`: what `transport` says until then."""
        super().__init__(parent)
        self._pool = pool
        self._transport = transport
        self._pending: dict[str, SessionSnapshot] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setObjectName("snapshot_flush_timer")
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(flush_interval_ms)
        self._flush_timer.timeout.connect(self._on_flush_timer_timeout)
        self._unsubscribe: list[Callable[[], None]] = []
        self._running = 0
        self.flushes = 0  # batches emitted (the coalescing test reads it)

    # --- wiring ------------------------------------------------------------

    @property
    def pool(self) -> SessionPool:
        if self._pool is None:
            raise RuntimeError("the runtime is still starting: no pool yet")
        return self._pool

    @property
    def started(self) -> bool:
        return self._pool is not None

    def set_pool(self, pool: SessionPool) -> None:
        """Observe `pool` from now on (the first one, or a new one after a new keystore)."""
        self.detach()
        self._pool = pool
        self.attach()

    def attach(self) -> None:
        if self._unsubscribe or self._pool is None:
            return
        self._unsubscribe = [
            self.pool.subscribe(self._on_pool_snapshot),
            self.pool.subscribe_notices(self._on_pool_notice),
        ]

    def detach(self) -> None:
        for undo in self._unsubscribe:
            undo()
        self._unsubscribe.clear()
        self._flush_timer.stop()
        self._pending.clear()

    @property
    def transport(self) -> str:
        if self._pool is None:
            return self._transport or ""
        return self._pool.transport

    def snapshots(self) -> list[SessionSnapshot]:
        return self._pool.snapshots() if self._pool is not None else []

    def snapshot(self, phone: str) -> SessionSnapshot | None:
        pool = self._pool
        return self._pending.get(phone) or (
            pool.snapshot(phone) if pool is not None and phone in pool else None
        )

    def resync(self) -> None:
        """Send every current snapshot (after start, when sessions came from disk)."""
        for snap in self.pool.snapshots():
            self._pending[snap.phone] = snap
        self.flush()

    def _on_pool_snapshot(self, snapshot: SessionSnapshot) -> None:
        self._pending[snapshot.phone] = snapshot
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _on_pool_notice(self, notice: Notice) -> None:
        self.notice_received.emit(notice)

    def _on_flush_timer_timeout(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Emit what is pending now (also used before a removal, to keep order)."""
        self._flush_timer.stop()
        if not self._pending:
            return
        batch = list(self._pending.values())
        self._pending.clear()
        self.flushes += 1
        self.snapshots_changed.emit(batch)

    # --- requests ----------------------------------------------------------

    async def _call(self, what: str, fn: Callable[[], Awaitable[T]]) -> T:
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        try:
            return await fn()
        except _expected() as exc:
            from lila_desktop.ui.refusals import refusal_text

            logger.info("%s refused: %s", what, exc, extra={"event": "ui_refused", "op": what})
            raise ActionError(refusal_text(exc), cause=exc) from exc
        finally:
            self._running -= 1
            if self._running == 0 and alive(self):  # the window may have closed meanwhile
                self.busy_changed.emit(False)

    async def add(self, phone: str, name: str = "") -> SessionSnapshot:
        return await self._call("add", lambda: self.pool.add(phone, name))

    async def start_session(self, phone: str) -> SessionSnapshot:
        return await self._call("connect", lambda: self.pool.start_session(phone))

    async def stop_session(self, phone: str) -> SessionSnapshot:
        return await self._call("disconnect", lambda: self.pool.stop_session(phone))

    async def reconnect_now(self, phone: str) -> SessionSnapshot:
        return await self._call("reconnect", lambda: self.pool.reconnect_now(phone))

    async def logout(self, phone: str) -> SessionSnapshot:
        snap = await self._call("logout", lambda: self.pool.logout(phone))
        self.backups_changed.emit(snap.phone)
        return snap

    async def remove(self, phone: str, *, delete_backups: bool) -> None:
        await self._call("remove", lambda: self.pool.remove(phone, delete_backups=delete_backups))
        self._pending.pop(phone, None)
        self.flush()
        self.session_removed.emit(phone)
        self.backups_changed.emit(phone)

    async def rename(self, phone: str, name: str) -> None:
        async def run() -> None:
            self.pool.rename(phone, name)

        await self._call("rename", run)

    async def pair_phone(self, phone: str) -> str:
        return await self._call("pair", lambda: self.pool.pair_phone(phone))

    async def send_text(
        self, outbox: Outbox, ledger: QuotaLedger, phone: str, to: str, text: str
    ) -> SentMessage:
        """Send through the one send path: the durable outbox (quota reserved on accept)."""
        from lila_desktop.services import messaging
        from lila_desktop.services.outbox import send as outbox_send

        key = messaging.new_key("ui")
        return await self._call(
            "send", lambda: outbox_send.send_text(outbox, ledger, phone, to, text, key=key)
        )

    async def simulate(
        self, phone: str | None, event: str, args: dict[str, Any] | None = None
    ) -> None:
        await self._call("simulate", lambda: self.pool.simulate(phone, event, args or {}))

    async def backup_now(self, phone: str) -> BackupInfo | None:
        info = await self._call("backup", lambda: self.pool.backup_now(phone))
        self.backups_changed.emit(phone)
        return info

    async def list_backups(self, phone: str) -> list[BackupInfo]:
        return await self._call("list backups", lambda: self.pool.list_backups(phone))

    async def restore(self, phone: str, timestamp: str | None) -> RestoreOutcome:
        try:
            return await self._call("restore", lambda: self.pool.restore(phone, timestamp))
        finally:
            self.backups_changed.emit(phone)

    async def export_session(self, phone: str, dest: Path, passphrase: str) -> None:
        await self._call("export", lambda: self.pool.vault.export_session(phone, dest, passphrase))

    async def import_session(self, src: Path, passphrase: str, name: str = "") -> SessionSnapshot:
        from lila_desktop.services.pool import PoolError
        from lila_desktop.services.vault.sealed import SealedFileError, read_header
        from lila_desktop.services.vault.transfer import read_import_file

        async def run() -> SessionSnapshot:
            # The file names its number in clear: refuse before anything is written
            # if that number is already here (its live store must not be swapped
            # under a running session).
            blob = await asyncio.to_thread(read_import_file, Path(src))
            try:
                existing = await asyncio.to_thread(lambda: read_header(blob).phone)
            except SealedFileError:
                existing = None  # import_session explains what is wrong with the file
            if existing is not None and existing in self.pool:
                raise PoolError(
                    f"+{existing} is already in Lila. To bring this export in, remove the "
                    "number first (its backups are kept), then import again.",
                    "SESSION_EXISTS",
                    409,
                )
            phone = await self.pool.vault.import_session(src, passphrase)
            return await self.pool.add(phone, name)

        snap = await self._call("import", run)
        self.backups_changed.emit(snap.phone)
        return snap
