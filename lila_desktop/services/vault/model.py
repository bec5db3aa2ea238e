"""What the vault hands out: backup descriptions and owner-facing errors."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BackupInfo:
    """One verified backup file, `sessions/backups/<phone>/creds-<timestamp>.lila`.

    `size` is the size of the (encrypted) file in bytes; `connected` says the
    session was connected when it was taken; `created_at` is epoch seconds.
    """

    phone: str
    timestamp: str
    path: Path
    reason: str
    size: int
    connected: bool
    created_at: float


class VaultError(Exception):
    """Base of vault errors; str(e) tells the owner what happened and what to do."""


class StoreInUse(VaultError):
    """Windows: a store file stayed open in another process, even after the engine let go."""


class VaultUnavailable(VaultError):
    """No usable key: no keyring, a locked keyring, no or a wrong passphrase."""


class StoreUnreadable(VaultError):
    """A store or backup could not be decrypted or read; it was already moved aside.

    Attributes:
        quarantined_to: where the unreadable file now is (nothing was deleted).
        latest_backup: the newest backup left to offer for a restore, if any.
    """

    def __init__(
        self, message: str, quarantined_to: Path, latest_backup: BackupInfo | None = None
    ) -> None:
        super().__init__(message)
        self.quarantined_to = quarantined_to
        self.latest_backup = latest_backup


class BackupNotFound(VaultError):
    """No backup with that timestamp (or none usable at all)."""


class InvalidTimestamp(VaultError, ValueError):
    """A backup timestamp that is not of the form 2026-01-28T12-30-45-123Z."""


_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def describe_failure(exc: BaseException) -> str:
    """Why a file operation failed, in words (never the file's contents)."""
    if isinstance(exc, OSError) and exc.errno in _OS_REASONS:
        where = f": {exc.filename}" if exc.filename else ""
        return _OS_REASONS[exc.errno] + where
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return str(exc) or type(exc).__name__
