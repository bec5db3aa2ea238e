"""The vault's file operations, synchronous (run via `run_blocking`, one phone at a time).

Ordering rules that make every operation crash-safe:
- New data is written (atomically) before old data is removed: a crash
  leaves a duplicate, never a gap.
- Anything unreadable is moved or sealed into the backups folder before the
  place it occupied is reused; nothing credential-bearing is ever deleted
  except the plaintext live copy after it was sealed, and rotated backups.
- The live copy is written after the sealed store (restore, import), so a
  crash in between leaves a live copy *older* than the sealed store, which
  `recovery.recover()` sees as stale (it is backed up, then dropped).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from lila_desktop.core.backup_naming import parse_timestamp
from lila_desktop.services.vault.atomic import (
    atomic_write_bytes,
    check_plain_dir,
    ensure_private_dir,
    remove_temp_files,
    unlink_durably,
)
from lila_desktop.services.vault.backups import Backups, Listed
from lila_desktop.services.vault.layout import Layout
from lila_desktop.services.vault.model import (
    BackupInfo,
    BackupNotFound,
    StoreUnreadable,
    VaultError,
)
from lila_desktop.services.vault.quiet import QuietStores
from lila_desktop.services.vault.sealed import (
    PURPOSE_STORE,
    SealedFileError,
    open_file,
    read_file_header,
    seal_bytes,
)
from lila_desktop.services.vault.snapshot import (
    StoreBusy,
    StoreCorrupt,
    check_store,
    checked,
    snapshot_checked,
)

logger = logging.getLogger(__name__)

Unreadable = (SealedFileError, StoreCorrupt)


# QuietStores purposes for has_device's two answers.
_DEVICE_PURPOSES: dict[bool, str] = {True: "device", False: "no device"}


class VaultOps:
    def __init__(self, layout: Layout, key: bytes, keep: int, clock: Callable[[], float]) -> None:
        self.layout = layout
        self._key = key
        self._clock = clock
        self.backups = Backups(layout, key, keep, clock)
        self.quiet = QuietStores()

    def _live_files(self, phone: str) -> tuple[Path, list[Path]]:
        return self.layout.live_path(phone), list(self.layout.live_sidecars(phone))

    # -- reading -------------------------------------------------------------------

    def read_live(self, phone: str) -> bytes | None:
        """A checked snapshot of the live store; None if absent. StoreCorrupt / VaultError."""
        live = self.layout.live_path(phone)
        if not live.exists():
            return None
        try:
            data = snapshot_checked(live)
        except FileNotFoundError:
            return None
        except StoreBusy as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise VaultError(
                    f"The store of {phone} stayed locked for more than 5 seconds. Stop the "
                    "session and try again."
                ) from None
            raise VaultError(
                f"The store of {phone} could not be read just now ({exc}). Check the disk "
                "(free space, errors) and try again; nothing was changed."
            ) from None
        return data

    def read_sealed(self, phone: str) -> bytes | None:
        """Checked plaintext of the sealed store, None if absent (SealedFileError, StoreCorrupt)."""
        path = self.layout.sealed_path(phone)
        check_plain_dir(path.parent)
        if not path.exists():
            return None
        _, data = open_file(path, self._key, phone=phone, purpose=PURPOSE_STORE)
        return checked(data)

    def current(self, phone: str) -> bytes | None:
        """The newest state: live if present, else sealed. Unreadable ones are quarantined."""
        try:
            data = self.read_live(phone)
        except StoreCorrupt as exc:
            raise self.quarantine_live(phone, "corrupt live store", str(exc)) from None
        if data is not None:
            return data
        try:
            return self.read_sealed(phone)
        except Unreadable as exc:
            raise self.quarantine_sealed(phone, exc) from None

    # -- unreadable data -------------------------------------------------------------

    def latest_good_backup(self, phone: str) -> BackupInfo | None:
        """The newest backup that verifies; damaged ones met on the way are moved aside."""
        for listed in self.backups.listed(phone):
            try:
                self.backups.verify(listed.info)
                return listed.info
            except Unreadable as exc:
                self.backups.move_aside_file(phone, listed.info.path, reason="damaged backup")
                logger.error("backup %s of %s is damaged: %s", listed.info.timestamp, phone, exc)
        return None

    def _unreadable(self, phone: str, what: str, detail: str, dest: Path) -> StoreUnreadable:
        latest = self.latest_good_backup(phone)
        if latest is not None:
            offer = (
                f"Restore the last good backup ({latest.timestamp}) or link the number "
                "again with a QR code."
            )
        else:
            offer = "There is no backup to restore: link the number again with a QR code."
        message = (
            f"The saved WhatsApp login of {phone} could not be read ({what}: {detail}). "
            f"It was moved aside to {dest}; nothing was deleted. {offer}"
        )
        logger.error("%s", message)
        return StoreUnreadable(message, dest, latest)

    def quarantine_live(self, phone: str, reason: str, detail: str) -> StoreUnreadable:
        """Seal the live file (and its journal) into the backups folder, then drop the plaintext."""
        self.quiet.forget(phone)
        live = self.layout.live_path(phone)
        first: Path | None = None
        for path, suffix in [
            (live, ""),
            *[(p, p.name[len(live.name) :]) for p in self.layout.live_sidecars(phone)],
        ]:
            with contextlib.suppress(FileNotFoundError):
                raw = path.read_bytes()
                dest = self.backups.set_aside_data(
                    phone,
                    raw,
                    kind="corrupt",
                    reason=reason,
                    origin="live" + suffix,
                    detail=detail,
                    suffix=suffix,
                )
                first = first or dest
                unlink_durably(path)
        return self._unreadable(phone, reason, detail, first or self.layout.backups_dir(phone))

    def quarantine_sealed(self, phone: str, exc: Exception) -> StoreUnreadable:
        reason = "undecryptable store" if isinstance(exc, SealedFileError) else "corrupt store"
        dest = self.backups.move_aside_file(phone, self.layout.sealed_path(phone), reason=reason)
        return self._unreadable(phone, reason, str(exc), dest)

    def quarantine(self, phone: str, reason: str) -> Path:
        """Move the live and sealed stores aside (the engine found them unreadable).

        Returns where the live copy went (else the sealed store, else the
        backups folder). A sealed store that still verifies, holds a device
        and differs from the live copy is the last good state: it becomes a
        regular backup, so it can be restored, instead of a corrupt-* file.
        """
        moved: Path | None = None
        live_id: str | None = None
        if self.layout.live_path(phone).exists():
            with contextlib.suppress(*Unreadable, VaultError):
                data = self.read_live(phone)
                live_id = None if data is None else self.backups.content_id(data)
            moved = self.quarantine_live(phone, reason, "reported unreadable").quarantined_to
        sealed = self.layout.sealed_path(phone)
        if not sealed.exists():
            return moved or self.layout.backups_dir(phone)
        try:
            kept = self.read_sealed(phone)
        except Unreadable:
            kept = None
        if (
            kept is not None
            and check_store(kept).has_device
            and self.backups.content_id(kept) != live_id
        ):
            self.backups.take(phone, kept, reason=f"before quarantine: {reason}", connected=False)
            unlink_durably(sealed)
            return moved or self.layout.backups_dir(phone)
        aside = self.backups.move_aside_file(phone, sealed, reason=reason)
        return moved or aside

    # -- sealing ---------------------------------------------------------------------

    def write_sealed(self, phone: str, data: bytes) -> bool:
        """Seal `data` as the session's store; False if it was already sealed unchanged."""
        path = self.layout.sealed_path(phone)
        content_id = self.backups.content_id(data)
        with contextlib.suppress(FileNotFoundError, SealedFileError):
            header = read_file_header(path)
            if header.phone == phone and header.meta.get("content_id") == content_id:
                return False
        if path.exists() and not check_store(data).has_device:
            self._keep_device_before_overwrite(phone)
        ensure_private_dir(self.layout.session_dir(phone))
        meta = {"content_id": content_id, "size": len(data), "sealed_at": self._clock()}
        blob = seal_bytes(data, self._key, phone=phone, purpose=PURPOSE_STORE, meta=meta)
        atomic_write_bytes(path, blob)
        logger.debug("sealed the store of %s (%d bytes)", phone, len(data))
        return True

    def _keep_device_before_overwrite(self, phone: str) -> None:
        # whatsmeow wipes the device on logout (hazard 8): the sealed copy may
        # be the last one holding it. Back it up before it is replaced.
        try:
            old = self.read_sealed(phone)
        except Unreadable as exc:
            self.quarantine_sealed(phone, exc)
            return
        if old is not None:
            self.backups.take(phone, old, reason="before the device was removed", connected=False)

    def seal(self, phone: str) -> bool:
        live, sidecars = self._live_files(phone)
        if self.quiet.unchanged(phone, "sealed", live, sidecars):
            return True  # the sealed store already holds exactly this
        begun = self.quiet.begin(live, sidecars)
        try:
            data = self.read_live(phone)
        except StoreCorrupt as exc:
            raise self.quarantine_live(phone, "corrupt live store", str(exc)) from None
        if data is None:
            return False
        self.write_sealed(phone, data)
        self.quiet.remember(phone, "sealed", begun)
        return True

    def drop_live(self, phone: str) -> None:
        self.quiet.forget(phone)
        for path in [self.layout.live_path(phone), *self.layout.live_sidecars(phone)]:
            unlink_durably(path)

    # -- live copies -----------------------------------------------------------------

    def prepare_live(self, phone: str) -> Path:
        live, sidecars = self._live_files(phone)
        ensure_private_dir(self.layout.runtime_dir)
        if any(self.quiet.unchanged(phone, p, live, sidecars) for p in ("sealed", "backup")):
            return live  # read and checked since its last write
        try:
            if self.read_live(phone) is not None:
                return live
        except StoreCorrupt as exc:
            raise self.quarantine_live(phone, "corrupt live store", str(exc)) from None
        try:
            data = self.read_sealed(phone)
        except Unreadable as exc:
            raise self.quarantine_sealed(phone, exc) from None
        if data is not None:
            self.install_live(phone, data)
        return live

    def install_live(self, phone: str, data: bytes) -> None:
        self.quiet.forget(phone)
        # A journal left beside the old file would be "rolled back" into the new one.
        for sidecar in self.layout.live_sidecars(phone):
            unlink_durably(sidecar)
        ensure_private_dir(self.layout.runtime_dir)
        atomic_write_bytes(self.layout.live_path(phone), data)

    def install(self, phone: str, data: bytes) -> None:
        """Make `data` the session's store: sealed first, then the live copy."""
        self.write_sealed(phone, data)
        self.install_live(phone, data)

    # -- backups, restore, reset ------------------------------------------------------

    def backup(self, phone: str, reason: str, connected: bool) -> BackupInfo | None:
        live, sidecars = self._live_files(phone)
        if self.quiet.unchanged(phone, "backup", live, sidecars):
            return None  # the newest backup already holds exactly this
        begun = self.quiet.begin(live, sidecars)
        data = self.current(phone)
        if data is None:
            return None
        info = self.backups.take(phone, data, reason=reason, connected=connected)
        self.quiet.remember(phone, "backup", begun)
        return info

    def find_backups(self, phone: str, timestamp: str | None) -> list[Listed]:
        listed = self.backups.listed(phone)
        if timestamp is None:
            if not listed:
                raise BackupNotFound(f"There is no backup of {phone} to restore.")
            return listed
        parse_timestamp(timestamp)  # the caller validated; defence in depth
        chosen = [b for b in listed if b.info.timestamp == timestamp]
        if not chosen:
            shown = ", ".join(b.info.timestamp for b in listed[:5]) or "none"
            raise BackupNotFound(
                f"There is no backup of {phone} taken at {timestamp}. Available: {shown}."
            )
        return chosen

    def restore(self, phone: str, timestamp: str | None) -> BackupInfo:
        data: bytes | None = None
        chosen: BackupInfo | None = None
        for listed in self.find_backups(phone, timestamp):
            try:
                data = self.backups.verify(listed.info)
                chosen = listed.info
                break
            except Unreadable as exc:
                dest = self.backups.move_aside_file(
                    phone, listed.info.path, reason="damaged backup"
                )
                if timestamp is not None:
                    raise self._unreadable(phone, f"backup {timestamp}", str(exc), dest) from None
        if data is None or chosen is None:
            raise BackupNotFound(f"No backup of {phone} could be read; link it again with a QR.")
        self._back_up_before(phone, "before restore", protect=chosen.timestamp)
        self.install(phone, data)
        logger.info("restored %s from backup %s", phone, chosen.timestamp)
        return chosen

    def _back_up_before(self, phone: str, reason: str, protect: str = "") -> None:
        try:
            data = self.current(phone)
        except StoreUnreadable:
            return  # already moved aside; nothing else to keep
        if data is not None:
            self.backups.take(phone, data, reason=reason, connected=False, protect={protect} - {""})

    def import_store(self, phone: str, data: bytes) -> None:
        """Install an imported store, keeping whatever was there as a backup first."""
        self._back_up_before(phone, "before import")
        self.backups.take(phone, data, reason="imported", connected=False)
        self.install(phone, data)
        logger.info("imported a session for %s", phone)

    def reset(self, phone: str, reason: str) -> None:
        """Keep everything that remains (backup or set aside), then leave no store at all."""
        kept = {b.content_id for b in self.backups.listed(phone)}
        sources: list[tuple[str, Callable[[], bytes | None]]] = [
            ("live", lambda: self.read_live(phone)),
            ("sealed", lambda: self.read_sealed(phone)),
        ]
        for origin, read in sources:
            try:
                data = read()
            except Unreadable as exc:
                if origin == "live":
                    self.quarantine_live(phone, f"{reason} unreadable live", str(exc))
                else:
                    self.quarantine_sealed(phone, exc)
                continue
            if data is None or self.backups.content_id(data) in kept:
                continue
            check = check_store(data)
            if check.has_device:
                self.backups.take(phone, data, reason=f"before reset: {reason}", connected=False)
            elif check.has_data:
                self.backups.set_aside_data(phone, data, kind="reset", reason=reason, origin=origin)
            kept.add(self.backups.content_id(data))
        self.drop_live(phone)
        unlink_durably(self.layout.sealed_path(phone))
        logger.info("reset %s (%s): no store left; the next connect shows a QR", phone, reason)

    def remove(self, phone: str, delete_backups: bool) -> None:
        check_plain_dir(self.layout.session_dir(phone))
        check_plain_dir(self.layout.backups_dir(phone))
        if not delete_backups:
            self._back_up_before(phone, "before removal")
        self.drop_live(phone)
        unlink_durably(self.layout.sealed_path(phone))
        session_dir = self.layout.session_dir(phone)
        remove_temp_files(session_dir)
        with contextlib.suppress(FileNotFoundError, OSError):
            session_dir.rmdir()
        if delete_backups:
            shutil.rmtree(self.layout.backups_dir(phone), ignore_errors=True)
        logger.info("removed session %s%s", phone, " and its backups" if delete_backups else "")

    def has_device(self, phone: str) -> bool:
        # Asked before every dial: a live store unchanged since it was last read
        # keeps its answer (a full snapshot and integrity check per reconnect was
        # most of the pool's worker time at 200 flapping numbers, bench_pool.py).
        live, sidecars = self._live_files(phone)
        for verdict, purpose in _DEVICE_PURPOSES.items():
            if self.quiet.unchanged(phone, purpose, live, sidecars):
                return verdict
        begun = self.quiet.begin(live, sidecars)
        try:
            data = self.read_live(phone)
            from_live = data is not None
            if data is None:
                data = self.read_sealed(phone)
        except (*Unreadable, VaultError) as exc:
            logger.warning("cannot tell whether %s has a device: %s", phone, exc)
            return False
        verdict = data is not None and check_store(data).has_device
        if from_live:
            self.quiet.remember(phone, _DEVICE_PURPOSES[verdict], begun)
            self.quiet.drop(phone, _DEVICE_PURPOSES[not verdict])
        return verdict
