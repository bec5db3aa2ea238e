"""One supervisor per session: feeds events to the policy, runs its actions.

Everything that changes a session goes through its queue, so the policy sees
one event at a time, in order. It decides (and publishes) each event on
arrival; the actions it asks for run on the session's action worker, chain
after chain, in the order decided, and commands run there between two chains.
Engine events carry the generation of the client that sent them; events of an
older generation are leftovers of a stopped client and are dropped
(whatsmeow's rule). The generation moves on when a StartClient is decided, so
a superseded client's events are dropped even while its stop is still queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lila_desktop.core.actions import (
    Action,
    ArmGrace,
    BackupStore,
    CancelRetry,
    NoticeKind,
    Notify,
    QuarantineStore,
    ResetStore,
    ScheduleRetry,
    StartClient,
    StopClient,
)
from lila_desktop.core.events import (
    Event,
    GraceExpired,
    PairCodeIssued,
    QrReceived,
    RetryDue,
    StoreCorrupt,
    StoreInspected,
)
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.policy import PolicyConfig, SessionState, transition
from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.action_worker import ActionWorker, Chain, Command
from lila_desktop.services.backup_state import BackupFailed, BackupState
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineError
from lila_desktop.services.engine.wire import event_from_wire
from lila_desktop.services.vault import StoreUnreadable, VaultError
from lila_desktop.services.vault.model import describe_failure

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Engine(Protocol):
    async def request(self, op: str, *, timeout: float = ..., **args: Any) -> Any: ...


class Vault(Protocol):
    """What the supervisor needs of services.vault.SessionVault."""

    async def prepare_live(self, phone: str) -> Path: ...
    async def seal(self, phone: str) -> bool: ...
    async def backup(self, phone: str, reason: str, *, connected: bool) -> Any: ...
    async def reset(self, phone: str, reason: str) -> None: ...
    async def quarantine(self, phone: str, reason: str) -> Path: ...
    async def has_device(self, phone: str) -> bool: ...


@dataclass
class SupervisorContext:
    engine: Engine
    vault: Vault
    config: PolicyConfig
    clock: Callable[[], float]
    publish: Callable[[SessionSnapshot], None]
    notify: Callable[[Notice], None]
    rng: random.Random = field(default_factory=random.Random)
    # The session list on disk, now: awaited before a store is reset or moved
    # aside, so that a crash right after still finds the number parked (logged
    # out, failed), not a number without a store that a restart greets with a QR.
    save_list: Callable[[], Awaitable[None]] | None = None


class SessionSupervisor:
    def __init__(
        self, phone: str, name: str, ctx: SupervisorContext, state: SessionState | None = None
    ) -> None:
        self.phone = phone
        self.name = name
        self.ctx = ctx
        self.state = state or SessionState(since=ctx.clock())
        self.generation = 0
        self._qr: str | None = None
        self._qr_at: float | None = None
        self._pair_code: str | None = None
        self.last_backup_at: float | None = None
        self.backups = BackupState(phone, ctx.rng)
        self._queue: asyncio.Queue[Event | Command | None] = asyncio.Queue()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._snapshot = self._make_snapshot()
        self._worker = ActionWorker(f"actions-{phone}", self._run_chain, self._publish)
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"supervisor-{phone}")

    # --- inputs ------------------------------------------------------------

    def post(self, event: Event) -> None:
        self._queue.put_nowait(event)

    def post_wire(self, message: dict[str, Any]) -> None:
        """An engine event; dropped if it comes from a superseded client."""
        if message.get("gen") != self.generation:
            logger.debug("%s: dropped %s of stale generation", self.phone, message.get("ev"))
            return
        event = event_from_wire(message, self.ctx.clock())
        if event is not None:
            self.post(event)

    async def call(self, run: Callable[[], Awaitable[T]]) -> T:
        """Run `run` on this session's worker, after every event posted before it
        has been decided and its actions carried out, never in the middle of a chain."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(Command(run, done))
        return await done

    @property
    def snapshot(self) -> SessionSnapshot:
        return self._snapshot

    # --- the loop ----------------------------------------------------------

    async def _run(self) -> None:
        try:
            while True:
                item = await self._queue.get()
                if item is None:
                    return
                if isinstance(item, Command):
                    self._worker.put(item)
                else:
                    chain = self._decide(item)
                    if chain is not None:
                        self._worker.put(chain)
        finally:
            self._worker.put(None)  # the worker finishes what is queued, then stops

    async def apply(self, event: Event) -> None:
        """Decide one event and carry out its actions (inside a command: inline,
        after the chains decided before it; elsewhere: as a command)."""
        if not self._worker.on_worker():
            await self.call(lambda: self.apply(event))
            return
        await self._worker.run_decided_chains()
        chain = self._decide(event)  # no await since the last check: nothing decided in between
        if chain is not None:
            await self._run_chain(chain)

    def _decide(self, event: Event) -> Chain | None:
        """Run one event through the policy and publish the outcome at once."""
        now = self.ctx.clock()
        before = self.state.status
        self.state, actions = transition(self.state, event, now, self.ctx.config, self.ctx.rng)
        if isinstance(event, QrReceived) and self.state.status is Status.QR:
            self._qr, self._qr_at = event.code, now
        if isinstance(event, PairCodeIssued):
            self._pair_code = event.code
        if self.state.status not in (Status.QR, Status.PAIRING):
            self._qr = self._qr_at = self._pair_code = None
        if self.state.status is not before:
            logger.info(
                "status changed",
                extra={
                    "event": "status",
                    "phone": self.phone,
                    "status": self.state.status.value,
                    "previous": before.value,
                    "attempt": self.state.failures,
                    "next_retry_in": (
                        round(self.state.next_retry_at - now, 2)
                        if self.state.next_retry_at is not None
                        else None
                    ),
                    "cause": type(event).__name__,
                },
            )
        if any(isinstance(action, StartClient) for action in actions):
            # From now on the client being replaced is stale, even before it is stopped.
            self.generation += 1
        # Observers see the new status now, not after the engine round trips,
        # seals and backups of this or an earlier event (bench item 1).
        self._publish()
        return Chain(tuple(actions), self.state, self.generation) if actions else None

    async def _run_chain(self, chain: Chain) -> None:
        for action in chain.actions:
            try:
                await self._execute(action, chain)
            except Exception:
                logger.exception("%s: action %s failed", self.phone, type(action).__name__)

    async def _execute(self, action: Action, chain: Chain) -> None:
        match action:
            case StartClient():
                await self._start_client(chain.generation)
            case StopClient():
                await self._stop_client(chain.state.status)
            case ScheduleRetry(delay=delay, token=token):
                self._set_timer("retry", delay, RetryDue(token))
            case CancelRetry():
                self._cancel_timer("retry")
            case ArmGrace(delay=delay, token=token):
                self._set_timer("grace", delay, GraceExpired(token))
            case BackupStore(reason=reason):
                # A just-paired store is a login WhatsApp accepted: it counts as
                # taken while connected, so retention never rotates it away.
                connected = chain.state.status is Status.CONNECTED or reason == "paired"
                with contextlib.suppress(BackupFailed):  # now a visible state, retried
                    await self.run_backup(reason, connected=connected)
            case ResetStore(reason=reason):
                await self._list_on_disk()
                await self.ctx.vault.reset(self.phone, reason)
            case QuarantineStore(reason=reason):
                await self._list_on_disk()
                try:
                    await self.ctx.vault.quarantine(self.phone, reason)
                except Exception as exc:
                    self._quarantine_failed(exc, chain.state)
            case Notify(kind=kind, message=message):
                self.ctx.notify(Notice(self.phone, self.name, kind, message, self.ctx.clock()))

    async def _list_on_disk(self) -> None:
        """Before a store goes (reset, moved aside): the list says this number is
        parked, so a crash right after never brings it back as a QR."""
        if self.ctx.save_list is not None:
            await self.ctx.save_list()

    def _quarantine_failed(self, exc: Exception, decided: SessionState) -> None:
        # The policy said "moved aside"; it was not: say what really happened.
        why = describe_failure(exc)
        logger.error(
            "%s: could not move the unreadable store aside (%s); nothing was deleted",
            self.phone,
            why,
            extra={"event": "quarantine_failed", "phone": self.phone},
        )
        if self.state.status is decided.status:  # not if a later event moved the number on
            self.state = replace(self.state, message=Message.of(Code.STORE_NOT_MOVED, reason=why))

    async def run_backup(self, reason: str, *, connected: bool) -> Any:
        """Back up now; a failure becomes the number's "backup failing" state.

        Raises BackupFailed (its cause is the vault's error) after recording
        the reason and scheduling a retry with backoff; the first success
        clears it. An unreadable store is not a backup problem: the policy
        quarantines it, so StoreUnreadable passes through.
        """
        try:
            info = await self.ctx.vault.backup(self.phone, reason, connected=connected)
        except StoreUnreadable:
            raise
        except Exception as exc:
            first, delay = self.backups.failed(exc)
            self._cancel_timer("backup")
            loop = asyncio.get_running_loop()
            self._timers["backup"] = loop.call_later(delay, self._queue_backup_retry, reason)
            if first:
                notice = Notice(
                    self.phone,
                    self.name,
                    NoticeKind.BACKUP_FAILING,
                    self.backups.notice_message(),
                    self.ctx.clock(),
                )
                self.ctx.notify(notice)
            self._publish()
            raise BackupFailed(str(self.backups.error)) from exc
        if info is not None:
            self.last_backup_at = float(info.created_at)
        if self.backups.succeeded():
            self._cancel_timer("backup")
        self._publish()
        return info

    def _queue_backup_retry(self, reason: str) -> None:
        self._timers.pop("backup", None)

        async def retry() -> None:
            connected = self.state.status is Status.CONNECTED
            with contextlib.suppress(VaultError):  # BackupFailed: shown and rescheduled
                await self.run_backup(reason, connected=connected)

        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(Command(retry, done))

    async def _start_client(self, gen: int) -> None:
        try:
            store = await self.ctx.vault.prepare_live(self.phone)
        except StoreUnreadable as exc:
            self._post_for(gen, StoreCorrupt(str(exc)))
            return
        except (VaultError, OSError) as exc:
            # Locked past the busy timeout, a full disk, a folder replaced by a
            # link: the store is fine, this try is not. A failed start backs off
            # and retries (raising here left the number "reconnecting" with no retry).
            self._start_failed(exc, gen)
            return
        # Before the dial: a failure must not promise a "saved login" that is not there.
        with contextlib.suppress(VaultError, OSError):
            self._post_for(gen, StoreInspected(await self.ctx.vault.has_device(self.phone)))
        try:
            await self.ctx.engine.request(p.OP_START, phone=self.phone, gen=gen, store=str(store))
        except EngineError as exc:
            # The engine is restarting or refused: a transient failure.
            self._start_failed(exc, gen)

    def _post_for(self, gen: int, event: Event) -> None:
        """What a start found, unless a newer start was decided meanwhile (it looks again)."""
        if gen == self.generation:
            self.post(event)

    def _start_failed(self, exc: Exception, gen: int) -> None:
        why = describe_failure(exc)  # "the disk is full: <path>", not "[Errno 28] ..."
        logger.warning("%s: start failed: %s", self.phone, why)
        self.post_wire({"ev": p.EV_CONNECT_FAILURE, "gen": gen, "code": None, "message": why})

    async def _stop_client(self, decided: Status) -> None:
        with contextlib.suppress(EngineError):
            await self.ctx.engine.request(p.OP_STOP, phone=self.phone)
        if decided is Status.RECONNECTING:
            # A glitch: the next connect follows within seconds. The periodic
            # seal covers it, and a crash leaves the live copy to be re-sealed
            # at the next start; sealing on every flap only burns CPU.
            return
        # The store is quiet and will stay so: a good moment to seal it.
        try:
            await self.ctx.vault.seal(self.phone)
        except (VaultError, OSError) as exc:
            # Expected for a damaged store (the policy quarantines it next) or a
            # full disk (the live copy stays; the next seal or start retries).
            logger.warning("%s: not sealed after stop: %s", self.phone, describe_failure(exc))
        except Exception:
            logger.exception("%s: sealing after stop failed", self.phone)

    def _set_timer(self, name: str, delay: float, event: Event) -> None:
        self._cancel_timer(name)
        loop = asyncio.get_running_loop()
        self._timers[name] = loop.call_later(max(0.0, delay), self._queue.put_nowait, event)

    def _cancel_timer(self, name: str) -> None:
        handle = self._timers.pop(name, None)
        if handle is not None:
            handle.cancel()

    def _make_snapshot(self) -> SessionSnapshot:
        return SessionSnapshot.of(
            self.phone,
            self.name,
            self.state,
            qr=self._qr,
            qr_at=self._qr_at,
            pair_code=self._pair_code,
            last_backup_at=self.last_backup_at,
            backup_error=self.backups.error,
        )

    def _publish(self) -> None:
        snapshot = self._make_snapshot()
        if snapshot != self._snapshot:
            self._snapshot = snapshot
            self.ctx.publish(snapshot)

    def rename(self, name: str) -> None:
        self.name = name
        self._publish()

    def restore_state(self, state: SessionState) -> None:
        self.state = replace(state)
        self._publish()

    async def aclose(self) -> None:
        for name in list(self._timers):
            self._cancel_timer(name)
        self._queue.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker.task
