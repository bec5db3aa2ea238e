"""What the pool refuses, and what a restore tells its caller."""

from __future__ import annotations

from dataclasses import dataclass

from lila_desktop.core.messages import Message
from lila_desktop.core.names import InvalidName, check_name
from lila_desktop.core.status import Status
from lila_desktop.services.vault import BackupInfo


class PoolError(Exception):
    """A request the pool refuses; `code` and `status` map to the API's errors."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def checked_name(name: str) -> str:
    try:
        return check_name(name)
    except InvalidName as exc:
        raise PoolError(str(exc), "INVALID_NAME") from None


class SessionNotFound(PoolError):
    def __init__(self, phone: str) -> None:
        super().__init__(f"No session for {phone}. Add the number first.", "SESSION_NOT_FOUND", 404)


@dataclass(frozen=True)
class RestoreOutcome:
    backup: BackupInfo
    accepted: bool  # WhatsApp took the restored login back
    status: Status
    message: str
    # Not accepted yet, and not a removed device: why (e.g. 405 outdated), as the status says it.
    reason: Message | None = None
