"""The session pool: every number, one supervisor each, one engine for all.

The pool is what the window, the API and the headless mode talk to. It owns
the engine client, the vault and the supervisors; observers get immutable
snapshots (`subscribe`) and notices for the owner (`subscribe_notices`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lila_desktop.core.backup_naming import InvalidBackupTimestamp, parse_timestamp
from lila_desktop.core.events import (
    EngineDied,
    NetworkDown,
    NetworkUp,
    UserReconnectNow,
    UserStart,
    UserStop,
)
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.names import InvalidName, check_name
from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.policy import DEFAULT_CONFIG, PolicyConfig, SessionState
from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.core.status import RUNNING, Status
from lila_desktop.services.backup_state import BackupFailed
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient, EngineError
from lila_desktop.services.network import NetworkMonitor, dns_probe
from lila_desktop.services.registry import SessionEntry, SessionRegistry, parked
from lila_desktop.services.supervisor import SessionSupervisor, SupervisorContext
from lila_desktop.services.transports.base import SendResult
from lila_desktop.services.vault import (
    BackupInfo,
    BackupNotFound,
    InvalidTimestamp,
    SessionVault,
)
from lila_desktop.services.wording import english

logger = logging.getLogger(__name__)

_RUNNING = RUNNING
QR_WINDOW = 160.0  # WhatsApp's QR codes of one link attempt last ~160 s in all
PAIR_CODE_WINDOW = 60.0  # a pairing code needs at least this much of it to be typed in
PAIR_RESTART_WAIT = 30.0  # for the first QR of the fresh attempt
REGISTRY_DEBOUNCE = 0.2  # seconds: coalesces bursts of changes to the session list
SEAL_INTERVAL = 60.0  # live stores are sealed at least this often (~50 ms for 5 MB)
BACKUP_INTERVAL = 6 * 3600.0  # periodic backup (skipped when unchanged)


class PoolError(Exception):
    """A request the pool refuses; `code` and `status` map to the API's errors."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def _name(name: str) -> str:
    try:
        return check_name(name)
    except InvalidName as exc:
        raise PoolError(str(exc), "INVALID_NAME") from None


class SessionNotFound(PoolError):
    def __init__(self, phone: str) -> None:
        super().__init__(f"No session for {phone}. Add the number first.", "SESSION_NOT_FOUND", 404)


@dataclass(frozen=True)
class RestoreOutcome:
    backup: BackupInfo
    accepted: bool  # WhatsApp took the restored login back
    status: Status
    message: str


class SessionPool:
    def __init__(
        self,
        *,
        engine: EngineClient,
        vault: SessionVault,
        registry: SessionRegistry,
        config: PolicyConfig = DEFAULT_CONFIG,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        os_network: bool | None = None,
    ) -> None:
        self.engine = engine
        self.vault = vault
        vault.release_handles = engine.recycle  # Windows: leaked handles block a replace
        self.registry = registry
        self.config = config
        self.clock = clock
        self._rng = rng or random.Random()
        self._sessions: dict[str, SessionSupervisor] = {}
        self._observers: list[Callable[[SessionSnapshot], None]] = []
        self._notice_observers: list[Callable[[Notice], None]] = []
        self._restore_observers: list[Callable[[RestoreOutcome], None]] = []
        self._receipt_observers: list[Callable[[str, list[str], str], None]] = []
        self._persisted: dict[str, SessionEntry] = {}
        self._changed = asyncio.Condition()
        self._housekeeping: asyncio.Task[None] | None = None
        # The simulated WhatsApp reports its network itself (EV_NETWORK); for
        # the real one the OS tells us (Qt in the window, netlink headless), or
        # we probe DNS. Wake-from-sleep is watched either way.
        real = engine.transport != "simulated"
        self.network = NetworkMonitor(
            lambda why: self.network_up(),
            on_down=lambda why: self.network_down(),
            probe=dns_probe if real else None,
            os_events=real if os_network is None else os_network,
        )
        self._network_task: asyncio.Task[None] | None = None
        self._registry_task: asyncio.Task[None] | None = None
        self._registry_dirty = False
        self._restoring: set[str] = set()  # their transient stop is not persisted
        self._closed = False
        self.transport = engine.transport

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        """Open the vault, start the engine, bring back the saved sessions."""
        await self.vault.open()
        await self.engine.start()
        for entry in self.registry.load():
            sup = self._create(entry.phone, entry.name)
            self._persisted[entry.phone] = entry
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
        await self._flush_registry()
        with contextlib.suppress(Exception):
            await self.engine.aclose()
        await self.vault.aclose()

    async def __aenter__(self) -> SessionPool:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- observing ---------------------------------------------------------

    def subscribe(self, callback: Callable[[SessionSnapshot], None]) -> Callable[[], None]:
        self._observers.append(callback)
        return lambda: self._observers.remove(callback)

    def subscribe_notices(self, callback: Callable[[Notice], None]) -> Callable[[], None]:
        self._notice_observers.append(callback)
        return lambda: self._notice_observers.remove(callback)

    def subscribe_restores(self, callback: Callable[[RestoreOutcome], None]) -> Callable[[], None]:
        """Told of every restore's outcome, whoever asked (window or API): the history."""
        self._restore_observers.append(callback)
        return lambda: self._restore_observers.remove(callback)

    def subscribe_receipts(
        self, callback: Callable[[str, list[str], str], None]
    ) -> Callable[[], None]:
        """WhatsApp receipts: callback(phone, message ids, "delivered"|"read")."""
        self._receipt_observers.append(callback)
        return lambda: self._receipt_observers.remove(callback)

    def snapshots(self) -> list[SessionSnapshot]:
        return [sup.snapshot for sup in self._sessions.values()]

    def snapshot(self, phone: str) -> SessionSnapshot:
        return self._get(phone).snapshot

    def __contains__(self, phone: str) -> bool:
        return phone in self._sessions

    async def wait_for(
        self,
        phone: str,
        predicate: Callable[[SessionSnapshot], bool],
        timeout: float,
    ) -> SessionSnapshot:
        """Wait until the session's snapshot satisfies `predicate` (TimeoutError)."""
        async with asyncio.timeout(timeout), self._changed:
            while not predicate(self.snapshot(phone)):
                await self._changed.wait()
        return self.snapshot(phone)

    def _publish(self, snapshot: SessionSnapshot) -> None:
        for callback in list(self._observers):
            try:
                callback(snapshot)
            except Exception:
                logger.exception("snapshot observer failed")
        self._persist_if_changed(snapshot)
        asyncio.get_running_loop().create_task(self._notify_waiters())

    async def _notify_waiters(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _notify(self, notice: Notice) -> None:
        logger.warning(
            "owner notified: %s",
            english(notice.message),
            extra={"event": "notice", "phone": notice.phone, "kind": notice.kind.value},
        )
        for callback in list(self._notice_observers):
            try:
                callback(notice)
            except Exception:
                logger.exception("notice observer failed")

    def _persist_if_changed(self, snapshot: SessionSnapshot) -> None:
        if snapshot.phone in self._restoring:
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
        if self._persisted.get(snapshot.phone) != entry:
            self._persisted[snapshot.phone] = entry
            self._save_registry()

    def _save_registry(self) -> None:
        """Write the list soon, off the loop thread; a burst (200 numbers added)
        becomes one write instead of 200 full rewrites with fsync."""
        self._registry_dirty = True
        if self._registry_task is None or self._registry_task.done():
            loop = asyncio.get_running_loop()
            self._registry_task = loop.create_task(self._write_registry())

    async def _flush_registry(self) -> None:
        """At close the last change of the list is on disk, even when the debounced
        writer failed (its error is logged, the write is tried once more): a failed
        list write never stops the stores from being sealed."""
        task = self._registry_task
        if task is not None:
            try:
                await task
            except Exception as exc:
                logger.warning("the session list writer failed (%r); writing it again", exc)
                self._registry_dirty = True
        if self._registry_dirty:
            self._registry_dirty = False
            entries = [self._persisted[p] for p in self._sessions if p in self._persisted]
            try:
                await run_blocking(self.registry.save, entries)
            except OSError as exc:
                logger.error("could not save the session list: %s", exc)

    async def _write_registry(self) -> None:
        while self._registry_dirty:
            await asyncio.sleep(REGISTRY_DEBOUNCE)
            self._registry_dirty = False
            entries = [self._persisted[p] for p in self._sessions if p in self._persisted]
            try:
                await run_blocking(self.registry.save, entries)
            except OSError as exc:
                logger.error("could not save the session list: %s", exc)

    # --- engine events -----------------------------------------------------

    def on_engine_event(self, message: dict[str, Any]) -> None:
        if message.get("ev") == p.EV_NETWORK:
            if message.get("up"):
                self.network_up()
            return
        if message.get("ev") == p.EV_RECEIPT:
            ids = [str(i) for i in message.get("ids") or ()]
            for callback in list(self._receipt_observers):
                callback(str(message.get("phone")), ids, str(message.get("kind")))
            return
        sup = self._sessions.get(str(message.get("phone")))
        if sup is not None:
            sup.post_wire(message)

    def on_engine_died(self, reason: str) -> None:
        for sup in self._sessions.values():
            sup.post(EngineDied(reason))

    def network_up(self) -> None:
        """Network back or laptop awake: retry now instead of waiting."""
        for sup in self._sessions.values():
            sup.post(NetworkUp())

    def network_down(self) -> None:
        """The OS says offline: retries wait for `network_up` instead of dialling."""
        for sup in self._sessions.values():
            sup.post(NetworkDown())

    # --- commands ----------------------------------------------------------

    def _get(self, phone: str) -> SessionSupervisor:
        key = normalize_phone(phone)
        sup = self._sessions.get(key)
        if sup is None:
            raise SessionNotFound(key)
        return sup

    def _create(self, phone: str, name: str) -> SessionSupervisor:
        ctx = SupervisorContext(
            engine=self.engine,
            vault=self.vault,
            config=self.config,
            clock=self.clock,
            publish=self._publish,
            notify=self._notify,
            rng=self._rng,
        )
        offline = self.network.told_offline
        sup = SessionSupervisor(phone, name, ctx, SessionState(since=self.clock(), offline=offline))
        self._sessions[phone] = sup
        return sup

    async def add(self, phone: str, name: str = "", *, start: bool = True) -> SessionSnapshot:
        """Add a number (or start linking one that exists but is not running)."""
        key = normalize_phone(phone)
        cleaned = _name(name)
        sup = self._sessions.get(key)
        if sup is None:
            sup = self._create(key, cleaned)
            self._persist_if_changed(sup.snapshot)
            logger.info("session added", extra={"event": "added", "phone": key})
        if start and sup.snapshot.status not in _RUNNING:
            await sup.call(lambda: sup.apply(UserStart()))
        return sup.snapshot

    async def start_session(self, phone: str) -> SessionSnapshot:
        """Connect (or take over / link again); a no-op while already running."""
        sup = self._get(phone)
        if sup.snapshot.status not in _RUNNING:
            await sup.call(lambda: sup.apply(UserStart()))
        return sup.snapshot

    async def stop_session(self, phone: str) -> SessionSnapshot:
        sup = self._get(phone)
        await sup.call(lambda: sup.apply(UserStop()))
        return sup.snapshot

    async def reconnect_now(self, phone: str) -> SessionSnapshot:
        sup = self._get(phone)
        await sup.call(lambda: sup.apply(UserReconnectNow()))
        return sup.snapshot

    def rename(self, phone: str, name: str) -> None:
        self._get(phone).rename(_name(name))

    async def logout(self, phone: str) -> SessionSnapshot:
        """Unlink this laptop from the number (after a backup), then stop."""
        sup = self._get(phone)

        async def run() -> None:
            await sup.run_backup("before-logout", connected=sup.snapshot.is_connected)
            told_whatsapp = True
            try:
                await self.engine.request(p.OP_LOGOUT, phone=sup.phone)
            except EngineError as exc:
                told_whatsapp = False
                logger.warning("%s: WhatsApp could not be told about the logout: %s", phone, exc)
            await sup.apply(UserStop())
            await self.vault.reset(sup.phone, "user-logout")
            message = Message.of(
                Code.USER_LOGGED_OUT if told_whatsapp else Code.USER_LOGGED_OUT_UNREACHABLE
            )
            sup.restore_state(
                replace(sup.state, status=Status.LOGGED_OUT, since=self.clock(), message=message)
            )

        await sup.call(run)
        return sup.snapshot

    async def remove(self, phone: str, *, delete_backups: bool = False) -> None:
        sup = self._get(phone)
        await sup.call(lambda: sup.apply(UserStop()))
        await sup.aclose()
        del self._sessions[sup.phone]
        self._persisted.pop(sup.phone, None)
        await self.vault.remove(sup.phone, delete_backups=delete_backups)
        self._save_registry()
        logger.info("session removed", extra={"event": "removed", "phone": sup.phone})

    async def pair_phone(self, phone: str) -> str:
        sup = self._get(phone)
        if sup.snapshot.status not in (Status.QR, Status.PAIRING):
            raise PoolError(
                "Start linking first: the number must be showing a QR code.", "NOT_PAIRING", 409
            )
        if self.clock() - sup.snapshot.since > QR_WINDOW - PAIR_CODE_WINDOW:
            # Too little of this attempt's QR window is left to type a code in:
            # start a fresh attempt (a new QR) and ask for the code on that one.
            await self.reconnect_now(sup.phone)
            await self.wait_for(
                sup.phone, lambda s: s.status is Status.QR and s.qr is not None, PAIR_RESTART_WAIT
            )
        result = await self._engine_call(p.OP_PAIR_PHONE, phone=sup.phone)
        return str(result["code"])

    async def send_text(self, phone: str, to: str, text: str) -> SendResult:
        sup = self._get(phone)
        if not sup.snapshot.is_connected:
            raise PoolError(
                f"{sup.phone} is not connected ({sup.snapshot.status.value}); "
                "wait until it is connected, then try again.",
                "SESSION_NOT_CONNECTED",
                503,
            )
        result = await self._engine_call(p.OP_SEND_TEXT, phone=sup.phone, to=to, text=text)
        return SendResult(str(result["message_id"]), float(result["timestamp"]))

    async def simulate(self, phone: str | None, event: str, args: dict[str, Any]) -> None:
        if self.transport != "simulated":
            raise PoolError("Simulation needs --transport simulated.", "NOT_SIMULATED", 404)
        key = None if phone is None else self._get(phone).phone
        if event == "engine_crash":
            # The engine aborts before it can answer: don't wait for a reply.
            with contextlib.suppress(EngineError):
                await self.engine.request(p.OP_SIMULATE, timeout=2.0, phone=key, event=event)
            return
        await self._engine_call(p.OP_SIMULATE, phone=key, event=event, args=args)

    async def _engine_call(self, op: str, **args: Any) -> Any:
        try:
            return await self.engine.request(op, **args)
        except EngineError as exc:
            status = (
                503 if exc.code in ("ENGINE_UNAVAILABLE", "NOT_CONNECTED", "NOT_RUNNING") else 409
            )
            if exc.code == "SEND_UNKNOWN":
                status = 504  # may have been delivered: not a failure to retry blindly
            raise PoolError(str(exc), exc.code, status) from exc

    # --- backups -----------------------------------------------------------

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
            self._restoring.add(sup.phone)
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
                self._restoring.discard(sup.phone)
                self._persist_if_changed(sup.snapshot)
            return info

        info = await sup.call(run)

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
        return RestoreOutcome(
            info,
            False,
            snap.status,
            "WhatsApp did not accept this backup: the phone removed this device, and "
            "a removed device cannot come back. Link the number again with a new QR.",
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

    # --- housekeeping ------------------------------------------------------

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
