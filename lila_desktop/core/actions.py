"""Typed outputs of the session state machine, carried out by the supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lila_desktop.core.messages import Message


@dataclass(frozen=True)
class StartClient:
    """Open a fresh client in the engine (a new generation)."""


@dataclass(frozen=True)
class StopClient:
    """Stop the client; also ends whatsmeow's own auto-reconnect loop."""


@dataclass(frozen=True)
class ScheduleRetry:
    delay: float
    token: int


@dataclass(frozen=True)
class CancelRetry:
    pass


@dataclass(frozen=True)
class ArmGrace:
    delay: float
    token: int


@dataclass(frozen=True)
class BackupStore:
    """Take a verified backup now (the vault skips an unchanged store)."""

    reason: str


@dataclass(frozen=True)
class ResetStore:
    """Move what is left of the store into the backups and start empty."""

    reason: str


@dataclass(frozen=True)
class QuarantineStore:
    """Move an unreadable store aside into the backups; never delete it."""

    reason: str


class NoticeKind(StrEnum):
    DOWN = "down"
    RECOVERED = "recovered"
    REPLACED = "replaced"
    TEMP_BANNED = "temp_banned"
    LOGGED_OUT = "logged_out"
    OUTDATED = "outdated"
    CORRUPT = "corrupt"
    QR_EXPIRED = "qr_expired"
    BACKUP_FAILING = "backup_failing"


@dataclass(frozen=True)
class Notify:
    """Tell the owner; `kind` lets the UI translate and group notices."""

    kind: NoticeKind
    message: Message


Action = (
    StartClient
    | StopClient
    | ScheduleRetry
    | CancelRetry
    | ArmGrace
    | BackupStore
    | ResetStore
    | QuarantineStore
    | Notify
)
