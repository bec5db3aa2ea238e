"""The outbox: accepted messages are kept on disk and sent once, in order, paced.

`accept` checks the message, reserves its quota unit and stores it `queued`;
one worker per number then sends its queue (drain.py). Every state change is
committed before it is acted on (store.py), so:

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
import uuid
from dataclasses import dataclass

from lila_desktop.core.outbox import (
    MessageStatus,
    accepts_messages,
    check_ttl,
    fingerprint,
    message_id_for,
)
from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.quota import QuotaLedger, validate_key
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.messaging import check_recipient, check_text
from lila_desktop.services.outbox.drain import SENDING, Drain, Q, Sender
from lila_desktop.services.outbox.errors import (
    IdempotencyKeyReused,
    MessageNotFound,
    NeedsOwner,
    NotCancellable,
)
from lila_desktop.services.outbox.records import OutboxMessage
from lila_desktop.services.wording import english

logger = logging.getLogger(__name__)

CLOSE_GRACE = 5.0  # seconds a send in flight may finish when the app quits


@dataclass(frozen=True)
class Summary:
    """One number's outbox at a glance (window row, API)."""

    phone: str
    counts: dict[str, int]
    next_send_at: float | None  # epoch seconds, None when nothing waits or it is blocked
    drain_seconds: float
    blocked: str | None  # why queued messages cannot go out (the owner must act), in English
    blocked_by: SessionSnapshot | None = None  # the number's state then (the window words it)


class Outbox(Drain):
    """The caller's side: accept, read, cancel, retry; the sending side is `Drain`."""

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
        for unsubscribe in (self._unsubscribe, self._unsubscribe_receipts):
            if unsubscribe is not None:
                with contextlib.suppress(ValueError):
                    unsubscribe()
        for event in self._wake.values():
            event.set()
        workers = [*self._workers.values(), *self._receipts]
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
            raise NeedsOwner(sender, snap.status.value, english(snap.message))
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
        done = await self._move(
            msg, MessageStatus.CANCELLED, {Q}, "Cancelled before sending.", settle=True
        )
        if done is None:
            raise NotCancellable(await self.get(msg_id))
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
        blocked = blocked_by = None
        with contextlib.suppress(Exception):
            snap = self.sender.snapshot(phone)
            if queued and not accepts_messages(snap.status):
                blocked = english(snap.message) or snap.status.value
                blocked_by = snap
        now = self._clock()
        next_at = None if not queued or blocked else max(now, self._next_at.get(phone, now))
        drain = 0.0 if blocked else self.pacing.drain_seconds(queued, next_at, now)
        return Summary(phone, counts, next_at, drain, blocked, blocked_by)

    async def summarize(self, phone: str) -> Summary:
        return self.summary(phone, await run_blocking(self.store.counts, phone))

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
