"""What the outbox keeps: a message and its webhook configuration and events."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from lila_desktop.core.outbox import MessageStatus


@dataclass(frozen=True)
class OutboxMessage:
    seq: int
    id: str
    phone: str
    recipient: str
    body: str
    idem_key: str | None
    fingerprint: str
    status: MessageStatus
    reason: str | None
    wa_id: str | None
    created_at: float
    expires_at: float
    updated_at: float
    sent_at: float | None = None
    delivered_at: float | None = None
    read_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The message as the API, the webhooks and the logs show it (no text body
        in logs: callers choose)."""
        return {
            "id": self.id,
            "phoneNumber": self.phone,
            "to": self.recipient,
            "text": self.body,
            "status": self.status.value,
            "reason": self.reason,
            "idempotencyKey": self.idem_key,
            "whatsappMessageId": self.wa_id,
            "createdAt": iso(self.created_at),
            "expiresAt": iso(self.expires_at),
            "updatedAt": iso(self.updated_at),
            "sentAt": iso(self.sent_at),
            "deliveredAt": iso(self.delivered_at),
            "readAt": iso(self.read_at),
        }


COLUMNS = [f.name for f in fields(OutboxMessage)]
SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM messages"
_STATUS_COLUMN = COLUMNS.index("status")


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def row_to_message(row: tuple[Any, ...] | None) -> OutboxMessage | None:
    if row is None:
        return None
    values = list(row)
    values[_STATUS_COLUMN] = MessageStatus(values[_STATUS_COLUMN])
    return OutboxMessage(*values)


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret: str
    allow_private: bool


@dataclass(frozen=True)
class PendingEvent:
    seq: int
    event_id: str
    body: str
    attempts: int
