"""Typed inputs of the session state machine.

Transport events come from the engine process (mapped from neonize's events
or the simulated transport); user and timer events come from the pool.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- from the transport -------------------------------------------------------


@dataclass(frozen=True)
class QrReceived:
    """A new QR code to show; the payload is never logged."""

    code: str


@dataclass(frozen=True)
class QrExpired:
    """All QR codes of this attempt ran out without a scan (our own timeout)."""


@dataclass(frozen=True)
class PairCodeIssued:
    code: str


@dataclass(frozen=True)
class Paired:
    """The phone scanned the QR / entered the code: the store now holds a device."""

    jid: str


@dataclass(frozen=True)
class Connected:
    pass


@dataclass(frozen=True)
class Disconnected:
    """A connection dropped for a reason that keeps credentials valid.

    code: 408, 428, 500, 503, 515 or None for network/DNS/socket errors.
    """

    code: int | None
    reason: str


@dataclass(frozen=True)
class StreamReplaced:
    """440: another client opened this session."""


@dataclass(frozen=True)
class TemporaryBan:
    code: int
    expire_at: float  # wall-clock seconds


@dataclass(frozen=True)
class LoggedOut:
    """401 / 403 / 406: the device is gone; whatsmeow has wiped the store."""

    code: int
    on_connect: bool = False


@dataclass(frozen=True)
class ClientOutdated:
    """405: WhatsApp refuses this client version."""


@dataclass(frozen=True)
class StoreCorrupt:
    """The session store could not be opened or read."""

    reason: str


@dataclass(frozen=True)
class StoreInspected:
    """Before a dial: whether the number's store holds a linked device."""

    linked: bool


@dataclass(frozen=True)
class EngineDied:
    """The engine process ended (crash, kill, recycle): every client is gone."""

    reason: str


# --- from the user and the system --------------------------------------------


@dataclass(frozen=True)
class UserStart:
    """Connect (or link with a new QR): the user wants this number running."""


@dataclass(frozen=True)
class UserStop:
    """Disconnect: stays disconnected until the user says otherwise."""


@dataclass(frozen=True)
class UserReconnectNow:
    pass


@dataclass(frozen=True)
class NetworkUp:
    """The network came back or the laptop woke up: skip the remaining backoff."""


@dataclass(frozen=True)
class NetworkDown:
    """The OS says this computer has no route to the internet: dial only when
    NetworkUp comes (a 10-minute outage then costs one dial, not fifteen)."""


# --- timers owned by the supervisor ------------------------------------------


@dataclass(frozen=True)
class RetryDue:
    token: int


@dataclass(frozen=True)
class GraceExpired:
    token: int


TransportEvent = (
    QrReceived
    | QrExpired
    | PairCodeIssued
    | Paired
    | Connected
    | Disconnected
    | StreamReplaced
    | TemporaryBan
    | LoggedOut
    | ClientOutdated
    | StoreCorrupt
    | StoreInspected
    | EngineDied
)
Event = (
    TransportEvent
    | UserStart
    | UserStop
    | UserReconnectNow
    | NetworkUp
    | NetworkDown
    | RetryDue
    | GraceExpired
)

# Codes of the policy table, by class.
TRANSIENT_CODES = frozenset({408, 428, 500, 503, 515})
LOGOUT_CODES = frozenset({401, 403, 406})
TEMP_BAN_CODE = 402
OUTDATED_CODE = 405
REPLACED_CODE = 440
