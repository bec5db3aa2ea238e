"""The outbox's sending side: one worker per number, receipts, quota settlement.

Each worker sends its number's queue in order whenever the number is
connected, one message per pacing gap, each before its expiry; it sleeps on
an event that a status change, a new message or a cancel sets. Every state
change goes through `_move`: committed first (store.transition), then told to
observers, then acted on.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from lila_desktop.core.outbox import MessageStatus, Pacing, receipt_advances
from lila_desktop.core.quota import QuotaLedger
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.outbox.outcome import classify
from lila_desktop.services.outbox.records import OutboxMessage
from lila_desktop.services.outbox.store import OutboxStore
from lila_desktop.services.transports.base import SendResult

logger = logging.getLogger(__name__)

Q, SENDING = MessageStatus.QUEUED, MessageStatus.SENDING
REQUEUE_DELAY = 1.0  # seconds before a send that met a dropped number is tried again
# Receipts for ids not (yet) in the outbox: kept this many, oldest out first.
# Most are for messages sent elsewhere (the phone itself); a few are early.
EARLY_RECEIPTS_KEPT = 2000
EXPIRED_REASON = "Not sent within its ttlSeconds: the number was not connected in time."


class Sender(Protocol):
    """What the outbox needs from the pool (SessionPool is one)."""

    def snapshot(self, phone: str) -> SessionSnapshot: ...

    def subscribe(self, callback: Callable[[SessionSnapshot], None]) -> Callable[[], None]: ...

    async def send_text(self, phone: str, to: str, text: str) -> SendResult: ...


class Drain:
    def __init__(
        self,
        store: OutboxStore,
        sender: Sender,
        ledger: QuotaLedger,
        *,
        pacing: Pacing | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.ledger = ledger
        self.pacing = pacing or Pacing()
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._wake: dict[str, asyncio.Event] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._next_at: dict[str, float] = {}
        self._changed = asyncio.Condition()
        self._observers: list[Callable[[OutboxMessage], None]] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._unsubscribe_receipts: Callable[[], None] | None = None
        self._closing = False
        self._receipts: set[asyncio.Task[None]] = set()
        # A receipt can beat the send's own answer: a fast phone confirms while
        # our "sent" (with WhatsApp's id) is still on its way to the disk. Such a
        # receipt waits here for its message; a lock per number orders the two.
        self._early: dict[tuple[str, str], MessageStatus] = {}
        self._ids_lock: dict[str, asyncio.Lock] = {}

    def subscribe(self, callback: Callable[[OutboxMessage], None]) -> Callable[[], None]:
        """Every state change, after it was committed (the window listens)."""
        self._observers.append(callback)
        return lambda: self._observers.remove(callback)

    # --- receipts ---------------------------------------------------------------

    def on_receipt(self, phone: str, wa_ids: list[str], kind: str) -> None:
        """WhatsApp says these messages were delivered to / read on the phone."""
        if self._closing or kind not in ("delivered", "read"):
            return
        target = MessageStatus(kind)
        task = asyncio.get_running_loop().create_task(self._apply_receipt(phone, wa_ids, target))
        self._receipts.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._receipts.discard)

    async def _apply_receipt(self, phone: str, wa_ids: list[str], target: MessageStatus) -> None:
        async with self._ids_lock.setdefault(phone, asyncio.Lock()):
            for wa_id in wa_ids:
                msg = await run_blocking(self.store.by_wa_id, phone, wa_id)
                if msg is None:
                    self._keep_early(phone, wa_id, target)
                else:
                    await self._advance(msg, target)

    async def _advance(self, msg: OutboxMessage, target: MessageStatus) -> None:
        if not receipt_advances(msg.status, target):
            return
        field = "delivered_at" if target is MessageStatus.DELIVERED else "read_at"
        await self._move(msg, target, {msg.status}, None, extra={field: self._clock()})

    def _keep_early(self, phone: str, wa_id: str, target: MessageStatus) -> None:
        key = (phone, wa_id)
        if self._early.get(key) is MessageStatus.READ:
            return  # a late "delivered" never moves a read message back
        self._early.pop(key, None)
        self._early[key] = target
        while len(self._early) > EARLY_RECEIPTS_KEPT:
            del self._early[next(iter(self._early))]

    async def _record_sent(self, sending: OutboxMessage, wa_id: str) -> None:
        """`sent` with WhatsApp's id, then any receipt that arrived before it."""
        async with self._ids_lock.setdefault(sending.phone, asyncio.Lock()):
            sent = await self._move(
                sending,
                MessageStatus.SENT,
                {SENDING},
                None,
                settle=True,
                extra={"wa_id": wa_id, "sent_at": self._clock()},
            )
            early = self._early.pop((sending.phone, wa_id), None)
            if sent is not None and early is not None:
                await self._advance(sent, early)

    # --- the worker -------------------------------------------------------------

    def _on_snapshot(self, snap: SessionSnapshot) -> None:
        event = self._wake.get(snap.phone)
        if event is not None:
            event.set()

    def _poke(self, phone: str) -> None:
        if self._closing:
            return
        self._wake.setdefault(phone, asyncio.Event()).set()
        task = self._workers.get(phone)
        if task is None or task.done():
            task = asyncio.get_running_loop().create_task(self._work(phone))
            self._workers[phone] = task

    async def _work(self, phone: str) -> None:
        wake = self._wake[phone]
        while not self._closing:
            wake.clear()
            try:
                until = await self._step(phone)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("%s: outbox step failed; trying again shortly", phone)
                until = self._clock() + 5.0
            if until is None:
                return  # nothing queued: the next accept starts a worker again
            if until > self._clock():
                await self._pause(wake, until - self._clock())

    async def _pause(self, wake: asyncio.Event, seconds: float) -> None:
        woken = asyncio.ensure_future(wake.wait())
        slept = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (woken, slept):
                task.cancel()

    async def _step(self, phone: str) -> float | None:
        """Do what is due for `phone`; return when to look again (None: queue empty)."""
        msg = await run_blocking(self.store.next_queued, phone)
        if msg is None:
            return None
        now = self._clock()
        # Any queued message past its ttl, not only the first: a short-lived one
        # behind a long-lived one must not hold its quota unit while it waits.
        for late in await run_blocking(self.store.expired_queued, phone, now):
            await self._finish_unsent(late, MessageStatus.EXPIRED, EXPIRED_REASON)
        next_expiry = await run_blocking(self.store.next_expiry, phone)
        if next_expiry is None or msg.expires_at <= now:
            return now  # the queue changed: look again
        try:
            snap = self.sender.snapshot(phone)
        except Exception:  # the number was removed: its messages wait out their ttl
            return next_expiry
        if not snap.is_connected:
            return next_expiry  # a status change wakes us earlier
        due = self._next_at.get(phone, now)
        if due > now:
            return min(due, next_expiry)
        await self._send(msg)
        return self._clock()

    async def _send(self, msg: OutboxMessage) -> None:
        sending = await self._move(msg, SENDING, {Q}, None)
        if sending is None:
            return  # cancelled meanwhile
        self._next_at[msg.phone] = self._clock() + self.pacing.gap(self._rng)
        # A quitting app lets this send finish (CLOSE_GRACE) and records how it went.
        try:
            result: SendResult | BaseException = await self.sender.send_text(
                msg.phone, msg.recipient, msg.body
            )
        except asyncio.CancelledError:
            raise  # left `sending` on disk: the next start reports it `unknown`
        except Exception as exc:
            result = exc
        outcome = classify(result)
        if outcome.kind == "sent":
            assert isinstance(result, SendResult)
            await self._record_sent(sending, result.message_id)
            logger.info(
                "%s: message sent",
                msg.phone,
                extra={
                    "event": "message_sent",
                    "phone": msg.phone,
                    "outbox_id": msg.id,
                    "message_id": result.message_id,
                },
            )
        elif outcome.kind == "requeue":
            # The number dropped as we sent: look again shortly, not in a tight loop
            # (the pool may still show it connected for a moment).
            self._next_at[msg.phone] = self._clock() + REQUEUE_DELAY
            await self._move(sending, Q, {SENDING}, outcome.reason)
            return
        else:
            status = MessageStatus.UNKNOWN if outcome.kind == "unknown" else MessageStatus.FAILED
            await self._move(sending, status, {SENDING}, outcome.reason, settle=True)
            logger.warning("%s: message %s %s: %s", msg.phone, msg.id, status, outcome.reason)

    async def _finish_unsent(self, msg: OutboxMessage, status: MessageStatus, why: str) -> None:
        await self._move(msg, status, {Q}, why, settle=True)

    async def _move(
        self,
        msg: OutboxMessage,
        to: MessageStatus,
        allowed: set[MessageStatus],
        reason: str | None,
        *,
        settle: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> OutboxMessage | None:
        """Commit the change; with `settle`, count or give back its quota unit; then tell
        observers (so a caller who sees `expired` also sees its unit given back)."""
        moved = await run_blocking(
            self.store.transition,
            msg.id,
            to,
            allowed_from=frozenset(allowed),
            now=self._clock(),
            reason=reason,
            **(extra or {}),
        )
        if moved is not None:
            if settle:
                await self._settle(moved.id, moved.phone, moved.status)
            await self._changed_to(moved)
        return moved

    async def _changed_to(self, msg: OutboxMessage) -> None:
        for callback in list(self._observers):
            try:
                callback(msg)
            except Exception:
                logger.exception("outbox observer failed")
        async with self._changed:
            self._changed.notify_all()

    async def _settle(self, msg_id: str, phone: str, status: MessageStatus) -> None:
        """Count or give back the message's quota unit, then record that it was done."""
        try:
            if status.went_out:
                await self.ledger.commit(phone, msg_id)
            else:
                await self.ledger.release(phone, msg_id)
        except Exception as exc:  # redone at the next start
            logger.error("%s: quota for %s not settled yet: %s", phone, msg_id, exc)
            return
        await run_blocking(self.store.mark_settled, msg_id)
