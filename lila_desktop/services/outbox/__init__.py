"""The durable outbox: accepted messages are sent once, in order, paced (issue 16).

Not to be confused with services/quota/outbox.py, the portal ledger's queue of
usage updates.
"""

from lila_desktop.services.outbox.errors import (
    IdempotencyKeyReused,
    MessageNotFound,
    NeedsOwner,
    NotCancellable,
    OutboxError,
)
from lila_desktop.services.outbox.records import OutboxMessage
from lila_desktop.services.outbox.service import Outbox, Sender, Summary
from lila_desktop.services.outbox.store import OutboxStore

__all__ = [
    "IdempotencyKeyReused",
    "MessageNotFound",
    "NeedsOwner",
    "NotCancellable",
    "Outbox",
    "OutboxError",
    "OutboxMessage",
    "OutboxStore",
    "Sender",
    "Summary",
]
