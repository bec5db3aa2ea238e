"""Monthly message quotas (PRODUCT.md §3): values, errors, the ledger Protocol.

A send is guarded in three steps so that parallel sends can never overshoot:
`reserve` atomically takes one unit if the remaining quota allows (or raises
`QuotaExceeded`), the message goes out, then `commit` makes the unit count or
`release` gives it back because the send failed. Every step carries the
message's idempotency key, so a retry never counts twice.

Pure: no I/O, no loop, no clock of its own (times are passed in).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, Literal, Protocol

logger = logging.getLogger(__name__)

DEFAULT_LIMIT: Final = 1000  # the portal's default plan: 1000 messages a month
QUOTA_EXCEEDED_CODE: Final = "WHATSAPP_QUOTA_EXCEEDED"
QUOTA_UNAVAILABLE_CODE: Final = "WHATSAPP_QUOTA_UNAVAILABLE"
COMPANY_NOT_FOUND_CODE: Final = "WHATSAPP_COMPANY_NOT_FOUND"
MAX_KEY_LENGTH: Final = 200

QuotaSource = Literal["local", "portal"]

_KEY = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: safe in SQL, BSON, logs


def current_period(now: datetime) -> str:
    """The quota period `YYYY-MM` of `now`, in UTC.

    A naive datetime is refused: whether it meant local time or UTC decides
    which month a message sent around midnight on the 1st counts in.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(
            "current_period() needs a timezone-aware datetime, e.g. datetime.now(UTC)."
        )
    return now.astimezone(UTC).strftime("%Y-%m")


def validate_key(key: object) -> str:
    """Return the idempotency key or raise ValueError saying what a key looks like."""
    if not isinstance(key, str) or not _KEY.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
        raise ValueError(
            "An idempotency key is 1 to 200 printable ASCII characters without spaces "
            "(e.g. a message UUID)."
        )
    return key


def parse_limit(raw: object, *, source: str = "the quota limit") -> int:
    """Parse a monthly limit (Settings, `LILA_QUOTA_LIMIT`): a positive whole number."""
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not text.isascii() or not text.isdigit() or int(text) <= 0:
        raise ValueError(
            f"{source} must be a positive whole number of messages per month, "
            f"e.g. 1000; got {raw!r}."
        )
    return int(text)


@dataclass(frozen=True)
class QuotaStatus:
    """The quota of one company in one period, as the window and the API show it.

    `remaining = limit - used - reserved` (never below 0). `reserved` counts
    sends under way whose outcome is not known yet. `stale` means the numbers
    are the last ones the portal gave, adjusted by what this laptop did since.
    """

    company_id: str
    period: str
    limit: int
    used: int
    reserved: int
    remaining: int
    source: QuotaSource
    portal_reachable: bool
    stale: bool

    @classmethod
    def of(
        cls,
        *,
        company_id: str,
        period: str,
        limit: int,
        used: int,
        reserved: int,
        source: QuotaSource,
        portal_reachable: bool = True,
        stale: bool = False,
    ) -> QuotaStatus:
        used = max(0, used)
        reserved = max(0, reserved)
        return cls(
            company_id=company_id,
            period=period,
            limit=limit,
            used=used,
            reserved=reserved,
            remaining=max(0, limit - used - reserved),
            source=source,
            portal_reachable=portal_reachable,
            stale=stale,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for `GET /api/quota` and the JSON logs)."""
        return asdict(self)


class QuotaError(Exception):
    """Base of quota errors; `code` is the API error code, the message is for people."""

    code: str = QUOTA_UNAVAILABLE_CODE


class QuotaExceeded(QuotaError):
    """The monthly quota is used up; the send is refused (HTTP 429)."""

    code = QUOTA_EXCEEDED_CODE

    def __init__(self, status: QuotaStatus) -> None:
        super().__init__(
            f"The monthly WhatsApp message quota is used up ({status.used} of "
            f"{status.limit} in {status.period}"
            + (f", {status.reserved} being sent" if status.reserved else "")
            + "). Wait for next month or ask for a bigger plan."
        )
        self.status = status


class QuotaUnavailable(QuotaError):
    """The quota cannot be checked now (portal unreachable, nothing known yet)."""

    code = QUOTA_UNAVAILABLE_CODE


class CompanyNotFound(QuotaUnavailable):
    """No active company in the portal owns this sender (or the configured companyId)."""

    code = COMPANY_NOT_FOUND_CODE


class QuotaLedger(Protocol):
    """Where quota use is kept: the local SQLite ledger or the portal's MongoDB."""

    async def reserve(self, sender: str, key: str) -> QuotaStatus:
        """Take one unit for message `key` or raise QuotaExceeded; idempotent per key."""
        ...

    async def commit(self, sender: str, key: str) -> QuotaStatus:
        """The message went out: make its unit count (idempotent)."""
        ...

    async def release(self, sender: str, key: str) -> None:
        """The send failed: give the unit back (no-op once committed)."""
        ...

    async def status(self, sender: str) -> QuotaStatus: ...

    async def aclose(self) -> None:
        """Release files and connections; safe to call twice."""
        ...


# --- circuit breaker ---------------------------------------------------------


class BreakerPhase(StrEnum):
    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls fail fast until `reset_after` has passed
    HALF_OPEN = "half_open"  # one probe call decides: closed again or open again


@dataclass(frozen=True)
class CircuitBreaker:
    """A circuit breaker as an immutable value: each method returns the next state.

    Times are plain seconds from any monotonic clock the caller passes in. The
    owner keeps the current value and replaces it on every transition, which
    keeps this testable without sleeping and free of locks.
    """

    failure_threshold: int = 2
    reset_after: float = 15.0
    phase: BreakerPhase = BreakerPhase.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    probing: bool = False

    def __post_init__(self) -> None:
        if self.failure_threshold < 1 or self.reset_after <= 0:
            raise ValueError("failure_threshold must be >= 1 and reset_after > 0 seconds.")

    def allow(self, now: float) -> tuple[bool, CircuitBreaker]:
        """May a call go out now? In half-open only one probe is let through."""
        if self.phase is BreakerPhase.CLOSED:
            return True, self
        if self.phase is BreakerPhase.OPEN:
            if now - self.opened_at < self.reset_after:
                return False, self
            return True, replace(self, phase=BreakerPhase.HALF_OPEN, probing=True)
        if self.probing:
            return False, self
        return True, replace(self, probing=True)

    def record_success(self) -> CircuitBreaker:
        return replace(self, phase=BreakerPhase.CLOSED, failures=0, probing=False)

    def record_failure(self, now: float) -> CircuitBreaker:
        failures = self.failures + 1
        if self.phase is BreakerPhase.HALF_OPEN or failures >= self.failure_threshold:
            return replace(
                self, phase=BreakerPhase.OPEN, failures=failures, opened_at=now, probing=False
            )
        return replace(self, failures=failures)

    def abandon_probe(self) -> CircuitBreaker:
        """A probe ended without a verdict (cancelled): let the next call probe."""
        return replace(self, probing=False) if self.probing else self

    @property
    def is_closed(self) -> bool:
        return self.phase is BreakerPhase.CLOSED
