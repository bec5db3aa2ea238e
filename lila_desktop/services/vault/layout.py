"""Where the vault's files live; the only place that builds their paths.

    <data_dir>/vault-check                          key check (sealed constant)
    <data_dir>/vault-salt                           passphrase mode only
    <data_dir>/sessions/<phone>/store.sealed        the sealed session store
    <data_dir>/sessions/backups/<phone>/creds-<ts>.lila     verified backups
    <data_dir>/sessions/backups/<phone>/corrupt-<ts>-<why>.lila  set aside
    <runtime_dir>/<phone>.db                        live plaintext for neonize

Every phone is checked to be a normalized number before it becomes a path
component, and timestamps only enter through `backup_naming` (strict regex),
so no user text can point outside these folders.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lila_desktop.core.backup_naming import backup_file_name
from lila_desktop.core.phone import is_valid_phone, normalize_phone

STORE_FILE: Final = "store.sealed"
CHECK_FILE: Final = "vault-check"
LIVE_SUFFIX: Final = ".db"
# SQLite's companions of a database file; whatsmeow uses a rollback journal.
SIDECARS: Final = ("-journal", "-wal", "-shm")


def default_runtime_dir(data_dir: Path) -> Path:
    """Where the live plaintext stores go while the app runs.

    `$XDG_RUNTIME_DIR/lila-desktop-<hash>` where it exists (Linux desktops: a
    per-user 0700 tmpfs, gone at logout and reboot). Elsewhere the system temp
    folder, `lila-desktop-<user>-<hash>`: per-user on Windows and macOS; on a
    Linux without XDG_RUNTIME_DIR it is the shared /tmp, which is why the
    vault makes the folder 0700 and refuses one that another user owns or
    that is a symlink. `<hash>` is of the resolved data folder, so two data
    folders never share live stores and the name is stable across restarts
    (crash recovery finds the live copies again).
    """
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    if xdg and os.path.isabs(xdg) and os.path.isdir(xdg) and os.access(xdg, os.W_OK):
        return Path(xdg) / f"lila-desktop-{digest}"
    if sys.platform != "win32":
        user = str(os.getuid())
    else:
        user = "".join(c for c in getpass.getuser() if c.isalnum()) or "user"
    return Path(tempfile.gettempdir()) / f"lila-desktop-{user}-{digest}"


def _checked(phone: str) -> str:
    if not isinstance(phone, str) or normalize_phone(phone) != phone:
        raise ValueError(f"not a normalized phone number: {phone!r}")
    return phone


@dataclass(frozen=True)
class Layout:
    data_dir: Path
    runtime_dir: Path

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def backups_root(self) -> Path:
        return self.sessions_dir / "backups"

    @property
    def check_path(self) -> Path:
        return self.data_dir / CHECK_FILE

    def session_dir(self, phone: str) -> Path:
        return self.sessions_dir / _checked(phone)

    def sealed_path(self, phone: str) -> Path:
        return self.session_dir(phone) / STORE_FILE

    def backups_dir(self, phone: str) -> Path:
        return self.backups_root / _checked(phone)

    def backup_path(self, phone: str, timestamp: str) -> Path:
        return self.backups_dir(phone) / backup_file_name(timestamp)

    def live_path(self, phone: str) -> Path:
        return self.runtime_dir / f"{_checked(phone)}{LIVE_SUFFIX}"

    def live_sidecars(self, phone: str) -> list[Path]:
        live = self.live_path(phone)
        return [live.with_name(live.name + suffix) for suffix in SIDECARS]

    def live_phones(self) -> list[str]:
        """Phones with a live plaintext store in the runtime folder."""
        if not self.runtime_dir.is_dir():
            return []
        return sorted(
            p.name[: -len(LIVE_SUFFIX)]
            for p in self.runtime_dir.iterdir()
            if p.name.endswith(LIVE_SUFFIX)
            and is_valid_phone(p.name[: -len(LIVE_SUFFIX)])
            and normalize_phone(p.name[: -len(LIVE_SUFFIX)]) == p.name[: -len(LIVE_SUFFIX)]
        )

    def _phone_dirs(self, root: Path) -> list[str]:
        if not root.is_dir():
            return []
        return sorted(
            p.name
            for p in root.iterdir()
            if p.is_dir() and is_valid_phone(p.name) and normalize_phone(p.name) == p.name
        )

    def sealed_phones(self) -> list[str]:
        """Phones with a sealed store."""
        return [p for p in self._phone_dirs(self.sessions_dir) if self.sealed_path(p).exists()]

    def session_dir_phones(self) -> list[str]:
        return self._phone_dirs(self.sessions_dir)

    def backup_phones(self) -> list[str]:
        return self._phone_dirs(self.backups_root)

    def phone_folders(self) -> list[Path]:
        """Every per-number folder, links included (`_phone_dirs` follows links)."""
        return [self.session_dir(p) for p in self.session_dir_phones()] + [
            self.backups_dir(p) for p in self.backup_phones()
        ]
