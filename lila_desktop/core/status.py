"""The session status model of PRODUCT.md §1: the strings used everywhere."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """What state a WhatsApp number is in; the value is the wire/UI/log string."""

    STOPPED = "stopped"
    CONNECTING = "connecting"
    QR = "qr"
    PAIRING = "pairing"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    REPLACED = "replaced"
    TEMP_BANNED = "temp_banned"
    LOGGED_OUT = "logged_out"
    OUTDATED = "outdated"
    FAILED = "failed"

    @property
    def is_connected(self) -> bool:
        return self is Status.CONNECTED

    @property
    def needs_user(self) -> bool:
        """The owner must act (scan, restore, take over, update)."""
        return self in _NEEDS_USER

    @property
    def is_transient(self) -> bool:
        """On its way back by itself; no action needed yet."""
        return self in (Status.CONNECTING, Status.RECONNECTING, Status.TEMP_BANNED)


_NEEDS_USER = frozenset({Status.REPLACED, Status.LOGGED_OUT, Status.OUTDATED, Status.FAILED})

# The one definition of "running": a client of ours runs or is being opened.
RUNNING = frozenset(
    {Status.CONNECTING, Status.QR, Status.PAIRING, Status.CONNECTED, Status.RECONNECTING}
)
# Running, or waiting out a temporary ban to run again by itself: what the window
# treats as "on" (Disconnect offered, Connect not).
ACTIVE = RUNNING | {Status.TEMP_BANNED}


class Severity(StrEnum):
    """How the tray sums up all sessions: the worst one wins."""

    OK = "ok"
    IDLE = "idle"
    WORKING = "working"
    ATTENTION = "attention"


_SEVERITY = {
    Status.CONNECTED: Severity.OK,
    Status.STOPPED: Severity.IDLE,
    Status.CONNECTING: Severity.WORKING,
    Status.QR: Severity.WORKING,
    Status.PAIRING: Severity.WORKING,
    Status.RECONNECTING: Severity.WORKING,
    Status.TEMP_BANNED: Severity.ATTENTION,
    Status.REPLACED: Severity.ATTENTION,
    Status.LOGGED_OUT: Severity.ATTENTION,
    Status.OUTDATED: Severity.ATTENTION,
    Status.FAILED: Severity.ATTENTION,
}
_ORDER = [Severity.OK, Severity.IDLE, Severity.WORKING, Severity.ATTENTION]


def severity(status: Status) -> Severity:
    return _SEVERITY[status]


def overall_severity(statuses: list[Status]) -> Severity:
    """The tray colour: attention beats working beats idle beats ok."""
    if not statuses:
        return Severity.IDLE
    return max((severity(s) for s in statuses), key=_ORDER.index)
