"""Turn engine event messages into the core's typed events."""

from __future__ import annotations

import time
from typing import Any

from lila_desktop.core.events import (
    LOGOUT_CODES,
    OUTDATED_CODE,
    REPLACED_CODE,
    TEMP_BAN_CODE,
    ClientOutdated,
    Connected,
    Disconnected,
    LoggedOut,
    PairCodeIssued,
    Paired,
    QrExpired,
    QrReceived,
    StoreCorrupt,
    StreamReplaced,
    TemporaryBan,
    TransportEvent,
)
from lila_desktop.services.engine import protocol as p

BAD_USER_AGENT_CODE = 409
UNKNOWN_BAN_SECONDS = 3600.0  # a 402 at connect without an expiry: look again in an hour


def _code(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def event_from_wire(message: dict[str, Any], now: float | None = None) -> TransportEvent | None:
    """The core event for one engine message, or None if it is not a session event."""
    now = time.time() if now is None else now
    name = message.get("ev")
    if name == p.EV_QR:
        return QrReceived(str(message.get("code", "")))
    if name == p.EV_QR_EXPIRED:
        return QrExpired()
    if name == p.EV_PAIR_CODE:
        return PairCodeIssued(str(message.get("code", "")))
    if name == p.EV_PAIRED:
        return Paired(str(message.get("jid", "")))
    if name == p.EV_CONNECTED:
        return Connected()
    if name == p.EV_DISCONNECTED:
        return Disconnected(_code(message.get("code")), str(message.get("reason", "")))
    if name == p.EV_REPLACED:
        return StreamReplaced()
    if name == p.EV_TEMP_BAN:
        expire = message.get("expire")
        expire_at = float(expire) if isinstance(expire, int | float) else now + UNKNOWN_BAN_SECONDS
        return TemporaryBan(_code(message.get("code")) or TEMP_BAN_CODE, expire_at)
    if name == p.EV_LOGGED_OUT:
        return LoggedOut(_code(message.get("code")) or 401, bool(message.get("on_connect")))
    if name == p.EV_OUTDATED:
        return ClientOutdated()
    if name == p.EV_STORE_CORRUPT:
        return StoreCorrupt(str(message.get("reason", "unreadable store")))
    if name == p.EV_CONNECT_FAILURE:
        return _classify_failure(_code(message.get("code")), str(message.get("message", "")), now)
    return None


def _classify_failure(code: int | None, text: str, now: float) -> TransportEvent:
    """A failed connect, by server code, into the policy table's classes."""
    if code in LOGOUT_CODES:
        return LoggedOut(code, on_connect=True)
    if code == TEMP_BAN_CODE:
        return TemporaryBan(code, now + UNKNOWN_BAN_SECONDS)
    if code in (OUTDATED_CODE, BAD_USER_AGENT_CODE):
        return ClientOutdated()
    if code == REPLACED_CODE:
        return StreamReplaced()
    # 500/503, DNS and socket errors, unknown codes: transient, credentials kept.
    return Disconnected(code, text or "connect failed")
