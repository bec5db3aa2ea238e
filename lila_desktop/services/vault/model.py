"""What the vault hands out: backup descriptions and owner-facing errors."""

from __future__ import annotations

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
