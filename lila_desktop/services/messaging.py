"""Sending a text message: the one send path of the window and the local API.

A send is: check the recipient and the text → the session is connected →
reserve one unit of the monthly quota (`QuotaExceeded` when used up) → send
→ commit the unit, or release it when the send failed. The idempotency key
travels through every quota step, so a retry never counts twice.

Refusals are typed: `MessageRefused` (with an API `code` and HTTP `status`)
for bad input and a number that is not connected; the quota's own errors
(`QuotaExceeded`, `QuotaUnavailable`, `CompanyNotFound`) and the pool's
`PoolError` pass through unchanged. The API maps them to 400/429/503; the
window turns them into plain words.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Final

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.quota import QuotaLedger, QuotaStatus, validate_key
from lila_desktop.services.pool import SessionPool

logger = logging.getLogger(__name__)

# WhatsApp itself takes up to 65 536 characters. 16 000 is plenty for a shop,
# and even at 4 UTF-8 bytes a character it fits the local API's 64 KB body
# cap, so a long text gets this limit's clear message instead of a bare 413.
MAX_TEXT: Final = 16_000
# A user JID (digits) or a group JID (digits, or creator-timestamp) on WhatsApp's
# servers; lila-app accepted these as well as plain numbers.
_JID = re.compile(r"([0-9]{5,20})(?:-([0-9]{5,20}))?@(s\.whatsapp\.net|g\.us|c\.us)")

INVALID_RECIPIENT: Final = "INVALID_RECIPIENT"
INVALID_TEXT: Final = "VALIDATION_ERROR"
NOT_CONNECTED: Final = "SESSION_NOT_CONNECTED"


class MessageRefused(Exception):
    """A send refused before anything was reserved; the message says what to do.

    `code` is the API's error code and `status` its HTTP status.
    """

    code: str = INVALID_TEXT
    status: int = 400


class InvalidRecipient(MessageRefused):
    code = INVALID_RECIPIENT


class InvalidText(MessageRefused):
    code = INVALID_TEXT


class NotConnected(MessageRefused):
    """The sending number is not connected (its status is in `status_value`)."""

    code = NOT_CONNECTED
    status = 503

    def __init__(self, phone: str, status_value: str) -> None:
        super().__init__(
            f"{phone} is not connected ({status_value}); wait until it is connected, "
            "then try again."
        )
        self.phone = phone
        self.status_value = status_value


@dataclass(frozen=True)
class SentMessage:
    """A message WhatsApp accepted, and the quota right after it counted.

    `quota` is None when the message went out but could not be counted yet
    (the reservation then counts by itself when it expires).
    """

    message_id: str
    timestamp: float
    sender: str
    to: str
    key: str
    quota: QuotaStatus | None


def check_recipient(raw: object) -> str:
    """A phone number (digits, as for sessions) or a WhatsApp user/group id, normalised.

    `…@c.us` (the old web format) becomes `…@s.whatsapp.net`.

    Raises:
        InvalidRecipient: with what a recipient looks like.
    """
    if isinstance(raw, str) and "@" in raw:
        match = _JID.fullmatch(raw.strip())
        if match is None:
            raise InvalidRecipient(
                "The recipient must be a phone number with country code (e.g. 51902049935) "
                "or a WhatsApp id such as 51902049935@s.whatsapp.net or "
                "120363012345678901@g.us."
            )
        server = "s.whatsapp.net" if match.group(3) == "c.us" else match.group(3)
        user = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
        return f"{user}@{server}"
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber as exc:
        raise InvalidRecipient(str(exc)) from None


def check_text(raw: object) -> str:
    """The message text, unchanged: 1 to MAX_TEXT characters, not only spaces.

    Raises:
        InvalidText: empty, blank, too long, or not text.
    """
    if not isinstance(raw, str):
        raise InvalidText("The message must be text.")
    if not raw.strip():
        raise InvalidText("The message is empty; write the message to send.")
    if len(raw) > MAX_TEXT:
        raise InvalidText(f"The message is too long ({len(raw)} characters; at most {MAX_TEXT}).")
    return raw


def new_key(prefix: str = "msg") -> str:
    """A fresh idempotency key for a send that has none of its own."""
    return f"{prefix}-{uuid.uuid4().hex}"


async def send_text(
    pool: SessionPool,
    ledger: QuotaLedger,
    phone: str,
    to: str,
    text: str,
    *,
    key: str | None = None,
) -> SentMessage:
    """Send `text` from session `phone` to `to`, counted against the monthly quota.

    Args:
        key: the idempotency key (the API's Idempotency-Key); a fresh one if None.

    Raises:
        InvalidPhoneNumber: `phone` is not a number.
        InvalidRecipient, InvalidText: bad input; nothing was reserved.
        SessionNotFound: no session for `phone`.
        NotConnected: the session is not connected; nothing was reserved.
        QuotaExceeded: the month's quota is used up; nothing was sent.
        QuotaError: the quota could not be checked (portal unreachable, no company).
        PoolError: WhatsApp or the engine refused the send; the unit was given back.
    """
    sender = normalize_phone(phone)
    recipient = check_recipient(to)
    body = check_text(text)
    key = new_key() if key is None else validate_key(key)
    snap = pool.snapshot(sender)
    if not snap.is_connected:
        raise NotConnected(sender, snap.status.value)
    # Shielded: the ledger's thread finishes a reservation even if this caller
    # is cancelled meanwhile; the unit must then be given back, not left to count.
    reserving = asyncio.ensure_future(ledger.reserve(sender, key))
    try:
        await asyncio.shield(reserving)
    except asyncio.CancelledError:
        await asyncio.shield(_release_once_reserved(reserving, ledger, sender, key))
        raise
    try:
        result = await pool.send_text(sender, recipient, body)
    except BaseException:
        # Shielded: a cancelled caller must still give the unit back.
        await asyncio.shield(_release(ledger, sender, key))
        raise
    try:
        quota: QuotaStatus | None = await ledger.commit(sender, key)
    except Exception as exc:
        # The message is out: report success. The reservation counts anyway
        # when it expires, so the quota cannot be stretched this way.
        logger.error("%s: the sent message could not be counted yet: %s", sender, exc)
        quota = None
    logger.info(
        "%s: message sent",
        sender,
        extra={"event": "message_sent", "phone": sender, "message_id": result.message_id},
    )
    return SentMessage(result.message_id, result.timestamp, sender, recipient, key, quota)


async def _release(ledger: QuotaLedger, sender: str, key: str) -> None:
    try:
        await ledger.release(sender, key)
    except Exception as exc:
        logger.error("%s: could not give back a quota unit: %s", sender, exc)


async def _release_once_reserved(
    reserving: asyncio.Future[QuotaStatus], ledger: QuotaLedger, sender: str, key: str
) -> None:
    try:
        await reserving
    except BaseException:
        return  # nothing was reserved (over quota, portal down) or it was cancelled too
    await _release(ledger, sender, key)
