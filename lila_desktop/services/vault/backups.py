"""Verified, deduplicated, rotated backups, and files set aside (never deleted).

Synchronous and not thread-safe per phone: `SessionVault` calls it through
`run_blocking` under the phone's lock.

A backup only gets its final name `creds-<ts>.lila` after its plaintext has
passed one SQLite integrity check (with a paired device) and the temp file
has been written, fsynced, read back and found equal, byte for byte, to what
was sealed from that very plaintext (so its GCM tag authenticates it: no
second decryption). So a final name always means a backup that can be
restored; a crash leaves at most a temp file.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lila_desktop.core.backup_naming import (
    RetentionEntry,
    aside_file_name,
    asides_to_delete,
    backups_to_delete,
    next_timestamp,
    parse_backup_file_name,
    parse_timestamp,
)
from lila_desktop.services.vault.atomic import (
    check_plain_dir,
    commit_temp,
    ensure_private_dir,
    fsync_dir,
    write_temp,
)
from lila_desktop.services.vault.layout import Layout
from lila_desktop.services.vault.model import BackupInfo, VaultError
from lila_desktop.services.vault.sealed import (
    PURPOSE_ASIDE,
    PURPOSE_BACKUP,
    SealedFileError,
    open_bytes,
    read_file_header,
    seal_buffer,
    seal_bytes,
)
from lila_desktop.services.vault.snapshot import StoreCorrupt, check_store

logger = logging.getLogger(__name__)

FUTURE_SLACK = 86_400.0  # seconds: backups dated later than tomorrow do not set the order


_READ_BACK_CHUNK = 1 << 20


def _file_equals(path: Path, expected: bytearray) -> bool:
    """Whether the file holds exactly `expected`: read in chunks into one buffer
    (no copy of the whole file), compared with memcmp."""
    buf = bytearray(_READ_BACK_CHUNK)
    pos = 0
    with open(path, "rb", buffering=0) as f:
        while True:
            n = f.readinto(buf)
            if not n:
                return pos == len(expected)
            chunk = buf if n == len(buf) else buf[:n]
            if chunk != expected[pos : pos + n]:
                return False
            pos += n


@dataclass(frozen=True)
class Listed:
    info: BackupInfo
    content_id: str


class ContentIds:
    """Keyed content ids: equal stores get equal ids, yet the id reveals nothing."""

    def __init__(self, key: bytes) -> None:
        self._key = hmac.new(key, b"lila-desktop content id v1", hashlib.sha256).digest()

    def __call__(self, data: bytes) -> str:
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()


class Backups:
    def __init__(self, layout: Layout, key: bytes, keep: int, clock: Callable[[], float]) -> None:
        if keep < 1:
            raise ValueError("keep_backups must be at least 1")
        self._layout = layout
        self._key = key
        self._keep = keep
        self._clock = clock
        self.content_id = ContentIds(key)

    # -- listing ---------------------------------------------------------------

    def listed(self, phone: str) -> list[Listed]:
        """Backups of `phone`, newest first; files whose header is unreadable are skipped."""
        folder = self._layout.backups_dir(phone)
        check_plain_dir(folder)
        if not folder.is_dir():
            return []
        found: list[Listed] = []
        for path in folder.iterdir():
            timestamp = parse_backup_file_name(path.name)
            # A symlink could point outside the backups folder: never follow one.
            if timestamp is None or path.is_symlink() or not path.is_file():
                continue
            try:
                header = read_file_header(path)
                meta = header.meta
                if header.purpose != PURPOSE_BACKUP or header.phone != phone:
                    raise SealedFileError("not a backup of this number", "wrong_session")
                if meta.get("timestamp") != timestamp:
                    raise SealedFileError("renamed backup file", "bad_header")
                info = BackupInfo(
                    phone=phone,
                    timestamp=timestamp,
                    path=path,
                    reason=str(meta.get("reason", "")),
                    size=path.stat().st_size,
                    connected=bool(meta.get("connected", False)),
                    created_at=float(meta.get("created_at", 0.0)),
                )
                found.append(Listed(info, str(meta.get("content_id", ""))))
            except (OSError, SealedFileError, ValueError, TypeError) as exc:
                logger.warning("skipping unreadable backup %s: %s", path.name, exc)
        found.sort(key=lambda item: item.info.timestamp, reverse=True)
        return found

    def _taken_timestamps(self, phone: str, listed: list[Listed]) -> set[str]:
        """Timestamps the next backup must follow: only of backups that read as ours.

        A file that does not verify, or one dated past tomorrow (a planted
        `creds-9999-12-31T23-59-59-999Z.lila`, a clock that was wrong), would
        push every later name past the year 9999: none could be written.
        """
        horizon = self._clock() + FUTURE_SLACK
        return {b.info.timestamp for b in listed if parse_timestamp(b.info.timestamp) <= horizon}

    # -- verification ----------------------------------------------------------

    def verify(self, info: BackupInfo) -> bytes:
        """Decrypt and check a backup; its store bytes, or SealedFileError / StoreCorrupt."""
        header, data = open_bytes(
            info.path.read_bytes(), self._key, phone=info.phone, purpose=PURPOSE_BACKUP
        )
        if header.meta.get("timestamp") != info.timestamp:
            raise SealedFileError("The backup's name does not match its contents.", "bad_header")
        if not check_store(data).has_device:
            raise StoreCorrupt("the backup holds no linked device")
        return data

    # -- writing -----------------------------------------------------------------

    def take(
        self,
        phone: str,
        data: bytes,
        *,
        reason: str,
        connected: bool,
        protect: Collection[str] = (),
    ) -> BackupInfo | None:
        """Back up `data` unless it holds no device or equals the newest backup.
        `data` is integrity-checked here, once (free if it is CheckedBytes)."""
        if not check_store(data).has_device:
            logger.info("no backup of %s (%s): the store holds no linked device", phone, reason)
            return None
        content_id = self.content_id(data)
        existing = self.listed(phone)
        if existing and hmac.compare_digest(existing[0].content_id, content_id):
            logger.debug(
                "no backup of %s (%s): unchanged since %s",
                phone,
                reason,
                existing[0].info.timestamp,
            )
            return None
        return self.write(
            phone, data, reason=reason, connected=connected, content_id=content_id, protect=protect
        )

    def write(
        self,
        phone: str,
        data: bytes,
        *,
        reason: str,
        connected: bool,
        content_id: str,
        protect: Collection[str] = (),
    ) -> BackupInfo:
        ensure_private_dir(self._layout.backups_dir(phone))
        now = self._clock()
        taken = self._taken_timestamps(phone, self.listed(phone))
        timestamp = next_timestamp(now, taken)
        final = self._layout.backup_path(phone, timestamp)
        while final.exists() or final.is_symlink():  # a file that is not ours: never replaced
            taken.add(timestamp)
            timestamp = next_timestamp(now, taken)
            final = self._layout.backup_path(phone, timestamp)
        meta: dict[str, Any] = {
            "timestamp": timestamp,
            "reason": reason[:200],
            "connected": connected,
            "created_at": now,
            "content_id": content_id,
            "size": len(data),
        }
        blob = seal_buffer(data, self._key, phone=phone, purpose=PURPOSE_BACKUP, meta=meta)
        tmp = write_temp(final, blob)
        try:
            self._verify_written(tmp, phone, blob)
            commit_temp(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        info = BackupInfo(
            phone=phone,
            timestamp=timestamp,
            path=final,
            reason=meta["reason"],
            size=final.stat().st_size,
            connected=connected,
            created_at=now,
        )
        logger.info(
            "backup of %s taken: %s (%s%s)",
            phone,
            timestamp,
            reason,
            ", connected" if connected else "",
        )
        self.rotate(phone, protect={timestamp, *protect})
        return info

    def _verify_written(self, tmp: Path, phone: str, blob: bytearray) -> None:
        """Read back what reached the file, not what we meant to write, and compare
        it with the sealed bytes. Equal bytes carry the same GCM tag, which
        authenticates them to the very plaintext we sealed (it passed its one
        integrity check in `take`): decrypting them again would prove nothing more
        and cost two more copies of the store."""
        if not _file_equals(tmp, blob):
            raise VaultError(
                f"A backup of {phone} failed its check after writing (the file differs from "
                "what was sealed); the disk may be failing. Nothing was replaced."
            )

    def rotate(self, phone: str, protect: Collection[str] = ()) -> list[str]:
        """Delete the backups beyond the newest `keep` (see backups_to_delete)."""
        listed = self.listed(phone)
        doomed = backups_to_delete(
            [RetentionEntry(b.info.timestamp, b.info.connected) for b in listed],
            self._keep,
            protect,
        )
        for timestamp in doomed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._layout.backup_path(phone, timestamp))
            logger.info("rotated away backup %s of %s", timestamp, phone)
        # No directory fsync: a deletion lost in a crash only brings back an
        # old, valid backup, which the next rotation removes again.
        return doomed

    # -- setting aside -----------------------------------------------------------

    def _aside_path(self, phone: str, kind: str, reason: str, suffix: str = "") -> Path:
        folder = ensure_private_dir(self._layout.backups_dir(phone))
        stamp = next_timestamp(self._clock(), ())
        while True:
            name = aside_file_name(kind, stamp, reason + suffix)
            if not (folder / name).exists():
                return folder / name
            stamp = next_timestamp(self._clock(), (stamp,))

    def set_aside_data(
        self,
        phone: str,
        data: bytes,
        *,
        kind: str,
        reason: str,
        origin: str,
        detail: str = "",
        suffix: str = "",
    ) -> Path:
        """Seal raw bytes (maybe not even SQLite) into the backups folder, never to be rotated."""
        dest = self._aside_path(phone, kind, reason, suffix)
        meta = {
            "kind": kind,
            "reason": reason[:200],
            "detail": detail[:500],
            "origin": origin,
            "created_at": self._clock(),
            "size": len(data),
        }
        blob = seal_bytes(data, self._key, phone=phone, purpose=PURPOSE_ASIDE, meta=meta)
        tmp = write_temp(dest, blob)
        commit_temp(tmp, dest)
        logger.warning("set aside %s data of %s as %s (%s)", origin, phone, dest.name, reason)
        self._prune_asides(phone)
        return dest

    def _prune_asides(self, phone: str) -> None:
        """Only the newest ASIDE_KEEP files set aside of each kind stay."""
        folder = self._layout.backups_dir(phone)
        for name in asides_to_delete(os.listdir(folder)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / name)
            logger.info("deleted old file set aside %s of %s", name, phone)

    def move_aside_file(self, phone: str, path: Path, *, reason: str) -> Path:
        """Rename an unreadable sealed file into the backups folder as is (same file system)."""
        dest = self._aside_path(phone, "corrupt", reason)
        os.replace(path, dest)
        fsync_dir(dest.parent)
        if path.parent != dest.parent:
            fsync_dir(path.parent)
        logger.warning(
            "moved unreadable %s of %s aside to %s (%s)", path.name, phone, dest.name, reason
        )
        self._prune_asides(phone)
        return dest
