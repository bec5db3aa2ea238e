"""The outbox: accepted messages are kept on disk and sent once, in order, paced.

`accept` checks the message, reserves its quota unit and stores it `queued`;
one worker per number then sends its queue in order whenever the number is
connected, at most one message per pacing gap, each before its expiry. Every
state change is committed before it is acted on (store.py), so:

- a crash before a send leaves the message `queued` (sent after restart);
- a crash during a send leaves it `sending`, which the next start turns into
  `unknown` (it may have arrived: never sent again, quota counted);
- quota: reserved on accept, committed once the message went out (or may
  have: `unknown`), released when it expired, failed or was cancelled. The
  settlement is itself recorded, and redone at start until it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from lila_desktop.core.outbox import (
    MessageStatus,
    Pacing,
    accepts_messages,
    check_ttl,
    fingerprint,
    message_id_for,
    receipt_advances,
)
from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.quota import QuotaLedger, validate_key
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.messaging import check_recipient, check_text
from lila_desktop.services.outbox.errors import (
    IdempotencyKeyReused,
    MessageNotFound,
    NeedsOwner,
    NotCancellable,
)
from lila_desktop.services.outbox.outcome import classify
from lila_desktop.services.outbox.store import OutboxMessage, OutboxStore
from lila_desktop.services.transports.base import SendResult

logger = logging.getLogger(__name__)

Q, SENDING = MessageStatus.QUEUED, MessageStatus.SENDING
CLOSE_GRACE = 5.0  # seconds a send in flight may finish when the app quits
REQUEUE_DELAY = 1.0  # seconds before a send that met a dropped number is tried again


class Sender(Protocol):
    """What the outbox needs from the pool (SessionPool is one)."""

    def snapshot(self, phone: str) -> SessionSnapshot: ...

    def subscribe(self, callback: Callable[[SessionSnapshot], None]) -> Callable[[], None]: ...

    async def send_text(self, phone: str, to: str, text: str) -> SendResult: ...


@dataclass(frozen=True)
class Summary:
    """One number's outbox at a glance (window row, API)."""

    phone: str
    counts: dict[str, int]
    next_send_at: float | None  # epoch seconds, None when nothing waits or it is blocked
    drain_seconds: float
    blocked: str | None  # why queued messages cannot go out (the owner must act)


class Outbox:
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
        self._closing = False
        self._in_flight: dict[str, asyncio.Future[None]] = {}

    # --- lifecycle -------------------------------------------------------------

    async def start(self) -> None:
        """Recover after a crash, settle the quota of finished messages, start sending."""
        for msg in await run_blocking(self.store.recover, self._clock()):
            logger.warning(
                "%s: message %s was being sent when the app stopped; marked unknown",
                msg.phone,
                msg.id,
                extra={"event": "outbox_unknown", "phone": msg.phone, "outbox_id": msg.id},
            )
        for msg_id, phone, status in await run_blocking(self.store.unsettled):
            await self._settle(msg_id, phone, status)
        self._unsubscribe = self.sender.subscribe(self._on_snapshot)
        subscribe_receipts = getattr(self.sender, "subscribe_receipts", None)
        if subscribe_receipts is not None:
            self._unsubscribe_receipts = subscribe_receipts(self.on_receipt)
        for phone in await run_blocking(self.store.queued_phones):
            self._poke(phone)

    async def aclose(self) -> None:
        """Stop the workers (a send in flight may finish), then close the store."""
        if self._closing:
            return
        self._closing = True
        for unsubscribe in (self._unsubscribe, getattr(self, "_unsubscribe_receipts", None)):
            if unsubscribe is not None:
                with contextlib.suppress(ValueError):
                    unsubscribe()
        for event in self._wake.values():
            event.set()
        workers = list(self._workers.values())
        if workers:
            _, pending = await asyncio.wait(workers, timeout=CLOSE_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        await run_blocking(self.store.close)

    # --- the caller's side ----------------------------------------------------

    async def accept(
        self,
        phone: str,
        to: str,
        text: str,
        *,
        key: str | None = None,
        ttl: object = None,
    ) -> tuple[OutboxMessage, bool]:
        """Queue a message; (the message, True) when `key` named an existing one.

        Raises:
            InvalidRecipient, InvalidText, ValueError (ttl, key): bad input;
            SessionNotFound: no such number; NeedsOwner: it needs the owner first;
            IdempotencyKeyReused: `key` named another message;
            QuotaExceeded / QuotaError: no unit could be reserved; nothing was queued.
        """
        sender = normalize_phone(phone)
        to = check_recipient(to)
        text = check_text(text)
        seconds = check_ttl(ttl)
        if key is not None:
            key = validate_key(key)
        snap = self.sender.snapshot(sender)
        print_ = fingerprint(sender, to, text)
        msg_id = message_id_for(sender, key, uuid.uuid4().hex)
        if key is not None:
            existing = await run_blocking(self.store.get, msg_id)
            if existing is not None:
                return self._replay(existing, print_), True
        if not accepts_messages(snap.status):
            raise NeedsOwner(sender, snap.status.value, snap.message)
        await _reserve(self.ledger, sender, msg_id)
        now = self._clock()
        draft = OutboxMessage(
            seq=0,
            id=msg_id,
            phone=sender,
            recipient=to,
            body=text,
            idem_key=key,
            fingerprint=print_,
            status=Q,
            reason=None,
            wa_id=None,
            created_at=now,
            expires_at=now + seconds,
            updated_at=now,
        )
        stored, created = await run_blocking(self.store.insert, draft)
        if not created:  # a concurrent retry with the same key won the insert
            return self._replay(stored, print_), True
        logger.info(
            "%s: message queued",
            sender,
            extra={"event": "outbox_queued", "phone": sender, "outbox_id": msg_id},
        )
        await self._changed_to(stored)
        self._poke(sender)
        return stored, False

    async def wait_settled(self, msg_id: str, timeout: float) -> OutboxMessage:
        """The message once it left `queued`/`sending`, or as it is after `timeout`."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout), self._changed:
                while True:
                    msg = await self.get(msg_id)
                    if msg.status not in (Q, SENDING):
                        return msg
                    await self._changed.wait()
        return await self.get(msg_id)

    async def get(self, msg_id: str) -> OutboxMessage:
        msg = await run_blocking(self.store.get, msg_id)
        if msg is None:
            raise MessageNotFound(msg_id)
        return msg

    async def page(
        self,
        *,
        phone: str | None = None,
        status: MessageStatus | None = None,
        limit: int = 50,
        before: int | None = None,
    ) -> list[OutboxMessage]:
        return await run_blocking(
            self.store.page, phone=phone, status=status, limit=limit, before=before
        )

    async def cancel(self, msg_id: str) -> OutboxMessage:
        """Take back a queued message (its quota unit is given back).

        Raises:
            MessageNotFound; NotCancellable: it is being sent or already finished.
        """
        msg = await self.get(msg_id)
        done = await self._move(msg, MessageStatus.CANCELLED, {Q}, "Cancelled before sending.")
        if done is None:
            raise NotCancellable(await self.get(msg_id))
        await self._settle(done.id, done.phone, done.status)
        self._poke(done.phone)
        return done

    async def retry(self, msg_id: str, ttl: object = None) -> OutboxMessage:
        """Queue a failed (or expired) message again, at the end of its number's queue.

        Raises:
            MessageNotFound; NotCancellable: it is not failed/expired;
            QuotaExceeded: no unit for it this month.
        """
        msg = await self.get(msg_id)
        if msg.status not in (MessageStatus.FAILED, MessageStatus.EXPIRED):
            raise NotCancellable(msg, retry=True)
        seconds = check_ttl(ttl)
        # A retry is a new message: a new id keeps the old one's quota settled.
        retried, _ = await self.accept(msg.phone, msg.recipient, msg.body, ttl=seconds)
        return retried

    def summary(self, phone: str, counts: dict[str, int]) -> Summary:
        """`counts` from store.counts(phone) (read in a thread by the caller)."""
        queued = counts.get(Q.value, 0)
        blocked = None
        with contextlib.suppress(Exception):
            snap = self.sender.snapshot(phone)
            if queued and not accepts_messages(snap.status):
                blocked = snap.message or snap.status.value
        now = self._clock()
        next_at = None if not queued or blocked else max(now, self._next_at.get(phone, now))
        drain = 0.0 if blocked else self.pacing.drain_seconds(queued, next_at, now)
        return Summary(phone, counts, next_at, drain, blocked)

    async def summarize(self, phone: str) -> Summary:
        return self.summary(phone, await run_blocking(self.store.counts, phone))

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
        asyncio.get_running_loop().create_task(self._apply_receipt(phone, wa_ids, target))

    async def _apply_receipt(self, phone: str, wa_ids: list[str], target: MessageStatus) -> None:
        field = "delivered_at" if target is MessageStatus.DELIVERED else "read_at"
        for wa_id in wa_ids:
            msg = await run_blocking(self.store.by_wa_id, phone, wa_id)
            if msg is None or not receipt_advances(msg.status, target):
                continue
            await self._move(msg, target, {msg.status}, None, **{field: self._clock()})

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
        if msg.expires_at <= now:
            await self._finish_unsent(msg, MessageStatus.EXPIRED, "Not sent within its ttl.")
            return now
        try:
            snap = self.sender.snapshot(phone)
        except Exception:  # the number was removed: its messages wait out their ttl
            return msg.expires_at
        if not snap.is_connected:
            return msg.expires_at  # a status change wakes us earlier
        due = self._next_at.get(phone, now)
        if due > now:
            return min(due, msg.expires_at)
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
            done = await self._move(
                sending,
                MessageStatus.SENT,
                {SENDING},
                None,
                wa_id=result.message_id,
                sent_at=self._clock(),
            )
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
            done = await self._move(sending, status, {SENDING}, outcome.reason)
            logger.warning("%s: message %s %s: %s", msg.phone, msg.id, status, outcome.reason)
        if done is not None:
            await self._settle(done.id, done.phone, done.status)

    async def _finish_unsent(self, msg: OutboxMessage, status: MessageStatus, why: str) -> None:
        done = await self._move(msg, status, {Q}, why)
        if done is not None:
            await self._settle(done.id, done.phone, done.status)

    async def _move(
        self,
        msg: OutboxMessage,
        to: MessageStatus,
        allowed: set[MessageStatus],
        reason: str | None,
        **extra: Any,
    ) -> OutboxMessage | None:
        moved = await run_blocking(
            self.store.transition,
            msg.id,
            to,
            allowed_from=frozenset(allowed),
            now=self._clock(),
            reason=reason,
            **extra,
        )
        if moved is not None:
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

    def _replay(self, existing: OutboxMessage, print_: str) -> OutboxMessage:
        if existing.fingerprint != print_:
            raise IdempotencyKeyReused()
        return existing


async def _reserve(ledger: QuotaLedger, sender: str, key: str) -> None:
    # Shielded: the ledger's thread finishes a reservation even if the caller
    # is cancelled; the unit is then given back instead of left to count.
    reserving = asyncio.ensure_future(ledger.reserve(sender, key))
    try:
        await asyncio.shield(reserving)
    except asyncio.CancelledError:
        with contextlib.suppress(BaseException):
            await reserving
            await ledger.release(sender, key)
        raise


__all__ = ["Outbox", "Sender", "Summary"]
