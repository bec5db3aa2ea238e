"""Immutable views of a session for observers (UI model, API, logs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lila_desktop.core.messages import Message
from lila_desktop.core.status import Status

if TYPE_CHECKING:  # annotations only: the window imports snapshots before the pool exists
    from lila_desktop.core.actions import NoticeKind
    from lila_desktop.core.policy import DisconnectInfo, SessionState


@dataclass(frozen=True)
class SessionSnapshot:
    phone: str
    name: str
    status: Status
    since: float
    desired: bool
    attempt: int = 0
    next_retry_at: float | None = None
    ban_until: float | None = None
    message: Message | None = None  # what happened, what to do: the faces word it
    qr: str | None = None  # the current QR payload while status is qr; never logged
    qr_at: float | None = None
    pair_code: str | None = None
    last_backup_at: float | None = None
    backup_error: str | None = None  # why backups fail (retried); None while they work
    last_disconnect: DisconnectInfo | None = None
    loop_detected: bool = False

    @property
    def is_connected(self) -> bool:
        return self.status is Status.CONNECTED

    @classmethod
    def of(cls, phone: str, name: str, state: SessionState, **extra: Any) -> SessionSnapshot:
        return cls(
            phone=phone,
            name=name,
            status=state.status,
            since=state.since,
            desired=state.desired,
            attempt=state.failures,
            next_retry_at=state.next_retry_at,
            ban_until=state.ban_until,
            message=state.message,
            last_disconnect=state.last_disconnect,
            loop_detected=state.loop_detected,
            **extra,
        )


@dataclass(frozen=True)
class Notice:
    """Something the owner must hear about (tray notification, log)."""

    phone: str
    name: str
    kind: NoticeKind
    message: Message
    at: float
