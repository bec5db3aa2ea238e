"""What the outbox refuses, with the API's code and HTTP status and plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lila_desktop.services.outbox.records import OutboxMessage


class OutboxError(Exception):
    code: str = "OUTBOX_ERROR"
    status: int = 400


class NeedsOwner(OutboxError):
    """The number is in a state only the owner can fix: nothing is queued for it."""

    code = "SESSION_NEEDS_OWNER"
    status = 409

    def __init__(self, phone: str, status_value: str, detail: str | None) -> None:
        why = f" {detail}" if detail else ""
        super().__init__(
            f"{phone} cannot send now ({status_value}): the owner must act first in "
            f"Lila Desktop.{why} The message was not queued."
        )
        self.phone = phone
        self.status_value = status_value


class IdempotencyKeyReused(OutboxError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key (or clientMessageId) was already used for another message; "
            "use a new key for every new message."
        )


class MessageNotFound(OutboxError):
    code = "MESSAGE_NOT_FOUND"
    status = 404

    def __init__(self, msg_id: str) -> None:
        super().__init__(f"No message with id {msg_id!r} in the outbox.")


class NotCancellable(OutboxError):
    code = "MESSAGE_NOT_CANCELLABLE"
    status = 409

    def __init__(self, msg: OutboxMessage, *, retry: bool = False) -> None:
        if retry:
            text = (
                f"Message {msg.id} is {msg.status.value}; only failed or expired messages "
                "can be sent again."
            )
        else:
            text = f"Message {msg.id} is {msg.status.value}; only queued messages can be cancelled."
        super().__init__(text)
        self.message = msg
