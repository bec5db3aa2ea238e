"""The outbox's vocabulary: message states, expiry bounds and pacing (pure).

A message accepted by the outbox moves through these states; each change is
committed to disk before the app acts on it (services/outbox/store.py):

    queued -> sending -> sent -> delivered -> read
       |         |-> unknown   (the send timed out or the app died mid-send:
       |         |              it may have arrived, so it is never retried)
       |         |-> failed    (WhatsApp refused it; nothing went out)
       |         '-> queued    (the number dropped before the send left)
       |-> expired   (its ttl passed before it could go out)
       '-> cancelled (the caller or the owner took it back)

Pure: no I/O, no loop; times are plain epoch seconds passed in.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Final

from lila_desktop.core.status import Status

DEFAULT_TTL: Final = 3600  # seconds a message may wait for its number
MAX_TTL: Final = 24 * 3600  # a reminder older than a day is worse than none
MIN_TTL: Final = 1
# A queued message holds its quota unit until it goes out or expires: the
# ledgers must not count an unsettled reservation as used before that.
RESERVATION_TTL: Final = timedelta(seconds=MAX_TTL) + timedelta(minutes=15)
# Pacing between two sends of one number (WhatsApp flags bursts as spam).
DEFAULT_INTERVAL: Final = 3.0
INTERVAL_RANGE: Final = (0, 600)  # seconds; 0 only for tests and benchmarks
JITTER_SHARE: Final = 0.5  # up to half the interval again, at random


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """Nothing more will happen by itself (receipts aside)."""
        return self not in (MessageStatus.QUEUED, MessageStatus.SENDING)

    @property
    def went_out(self) -> bool:
        """WhatsApp has (or may have) the message: its quota unit counts."""
        return self in _WENT_OUT


_WENT_OUT = frozenset(
    {MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ, MessageStatus.UNKNOWN}
)
# Receipts only move a message forward: a late "delivered" never undoes "read".
_RECEIPT_ORDER: Final = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


def receipt_advances(current: MessageStatus, receipt: MessageStatus) -> bool:
    """Does a `delivered`/`read` receipt move a message in `current` forward?

    An `unknown` message that gets a receipt did arrive: it moves too.
    """
    if receipt not in (MessageStatus.DELIVERED, MessageStatus.READ):
        return False
    if current is MessageStatus.UNKNOWN:
        return True
    if current not in _RECEIPT_ORDER:
        return False
    return _RECEIPT_ORDER.index(receipt) > _RECEIPT_ORDER.index(current)


# Statuses in which a number comes back by itself: its messages wait in the queue.
ACCEPTING: Final = frozenset({Status.CONNECTED, Status.CONNECTING, Status.RECONNECTING})


def accepts_messages(status: Status) -> bool:
    """May a new message for a number in `status` be queued?

    Everything else needs the owner (scan a QR, take over, update, restore,
    press Connect, or wait out a ban): refusing says so at once instead of
    letting the message expire silently.
    """
    return status in ACCEPTING


def check_ttl(raw: object) -> int:
    """`ttlSeconds` as a whole number of seconds within bounds (None → default).

    Raises:
        ValueError: with the allowed range.
    """
    if raw is None:
        return DEFAULT_TTL
    if not isinstance(raw, int) or isinstance(raw, bool) or not MIN_TTL <= raw <= MAX_TTL:
        raise ValueError(
            f"ttlSeconds must be a whole number of seconds from {MIN_TTL} to {MAX_TTL} "
            f"(one day); the default is {DEFAULT_TTL}. Got {raw!r}."
        )
    return raw


def message_id_for(phone: str, key: str | None, fresh: str) -> str:
    """The outbox id: derived from (number, idempotency key) so that every
    concurrent retry names the same message, else from a fresh random value."""
    if key is None:
        return f"msg_{fresh}"
    digest = hashlib.sha256(f"{phone}\0{key}".encode()).hexdigest()[:32]
    return f"msg_{digest}"


def fingerprint(phone: str, to: str, text: str) -> str:
    """What a reused idempotency key must match to count as the same message."""
    return hashlib.sha256(f"{phone}\0{to}\0{text}".encode()).hexdigest()


@dataclass(frozen=True)
class Pacing:
    """At least `interval` seconds between two sends of one number, plus up to
    `jitter_share` x interval at random, so a burst goes out at a human pace."""

    interval: float = DEFAULT_INTERVAL
    jitter_share: float = JITTER_SHARE

    def __post_init__(self) -> None:
        low, high = INTERVAL_RANGE
        if not low <= self.interval <= high or not 0 <= self.jitter_share <= 1:
            raise ValueError(
                f"The pause between messages must be {low} to {high} seconds (jitter share 0 to 1)."
            )

    def gap(self, rng: random.Random) -> float:
        """The pause before the next send of a number."""
        return self.interval * (1.0 + self.jitter_share * rng.random())

    @property
    def mean_gap(self) -> float:
        return self.interval * (1.0 + self.jitter_share / 2)

    def drain_seconds(self, queued: int, next_at: float | None, now: float) -> float:
        """Expected time until `queued` waiting messages are out (while connected)."""
        if queued <= 0:
            return 0.0
        first = max(0.0, (next_at or now) - now)
        return first + (queued - 1) * self.mean_gap
