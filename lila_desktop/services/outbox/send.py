"""The window's send: queue in the outbox, wait a moment, say where it stands."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lila_desktop.core.quota import QuotaLedger, QuotaStatus
from lila_desktop.services.outbox.service import Outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentMessage:
    """Where a message from the window stands after the short wait.

    `status` is the outbox state (`sent`, or `queued` while the number is
    away); `message_id` is WhatsApp's id once sent, else the outbox id.
    `quota` is the quota right after (None when it could not be read).
    """

    message_id: str
    timestamp: float | None
    sender: str
    to: str
    key: str
    quota: QuotaStatus | None
    status: str = "sent"


async def send_text(
    outbox: Outbox,
    ledger: QuotaLedger,
    phone: str,
    to: str,
    text: str,
    *,
    key: str | None = None,
    wait: float = 3.0,
) -> SentMessage:
    """Queue `text` from `phone` to `to` in the outbox and wait up to `wait` seconds.

    The window's send path and the API's are the same: the message is kept on
    disk, its quota unit reserved, and it goes out once (in order, paced) when
    the number is connected.

    Raises:
        InvalidPhoneNumber, InvalidRecipient, InvalidText: bad input.
        SessionNotFound: no session for `phone`.
        NeedsOwner: the number needs the owner (QR, take over, update...).
        QuotaExceeded / QuotaError: no quota unit; nothing was queued.
    """
    msg, _ = await outbox.accept(phone, to, text, key=key)
    msg = await outbox.wait_settled(msg.id, wait)
    quota: QuotaStatus | None = None
    try:
        quota = await ledger.status(msg.phone)
    except Exception as exc:
        logger.warning("%s: quota not readable after a send: %s", msg.phone, exc)
    return SentMessage(
        msg.wa_id or msg.id,
        msg.sent_at,
        msg.phone,
        msg.recipient,
        msg.idem_key or msg.id,
        quota,
        msg.status.value,
    )
