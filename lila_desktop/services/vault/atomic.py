"""Crash-safe file writes and private directories for credential files.

Every credential file is written as: a new temp file in the same directory
(O_EXCL, 0600), write, fsync, rename over the final name, fsync of the
directory. A crash at any point leaves either the old file or the new one
under the final name, never a half-written one; what may remain is a temp
file whose name (`.<name>.<random>.tmp`) can never be taken for a store or a
backup, and `remove_temp_files` clears those on the next start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final, TypeVar

from lila_desktop.services.vault.model import VaultError

T = TypeVar("T")
logger = logging.getLogger(__name__)

TEMP_SUFFIX: Final = ".tmp"
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{16}\.tmp")
_POSIX: Final = os.name == "posix"


IN_USE_WAIT_S: Final = 2.0  # Windows: a scanner or indexer lets go within this
_IN_USE_WINERRORS: Final = frozenset({5, 32, 33})  # access denied, sharing/lock violation


class UnsafeDirectory(VaultError):
    """A directory that others could read or swap; str(e) says what to do."""


def check_plain_dir(path: Path) -> None:
    """Refuse a folder that is a link (it could point anywhere); a missing one is fine.

    Checked before reading or deleting too, not only before writing: a link
    swapped in for a number's folder must not make the vault read or delete
    files elsewhere.
    """
    if sys.platform == "win32":
        return
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise _not_plain(path)


def _not_plain(path: Path) -> UnsafeDirectory:
    return UnsafeDirectory(
        f"{path} is a link or a file, not a plain folder; Lila Desktop never follows links "
        "in its folders. Replace it with a plain folder (move in what the link points to, "
        "if that is yours) and start again."
    )


class FileInUse(OSError):
    """Windows: another process (the engine) holds the file open, so it cannot be
    replaced or deleted. POSIX never raises it: there a rename or unlink of an
    open file succeeds and the holder keeps the old inode."""


def is_in_use(exc: OSError) -> bool:
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in _IN_USE_WINERRORS


def retry_in_use(op: Callable[[], T], path: Path, wait: float | None = None) -> T:
    """Run a rename/unlink; while Windows says the file is in use, retry for `wait`
    seconds (a blocking worker thread, never the event loop), then raise FileInUse."""
    deadline = time.monotonic() + (IN_USE_WAIT_S if wait is None else wait)
    while True:
        try:
            return op()
        except OSError as exc:
            if not is_in_use(exc):
                raise
            if time.monotonic() >= deadline:
                raise FileInUse(
                    exc.errno, f"{path.name} is open in another process", str(path)
                ) from exc
        time.sleep(0.05)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 0700; refuse a symlink or another owner's dir."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform == "win32":
        return path  # Windows: the per-user profile's ACLs are what protect it.
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise _not_plain(path)
    if info.st_uid != os.getuid():
        raise UnsafeDirectory(
            f"{path} belongs to another user; remove it or choose another data folder."
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(path, 0o700)
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable (POSIX; Windows has no directory fsync)."""
    if not _POSIX:
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}{TEMP_SUFFIX}")


def write_temp(path: Path, data: bytes | bytearray) -> Path:
    """Write `data` to a fresh fsynced temp file beside `path` (0600) and return its path."""
    tmp = temp_name_for(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def commit_temp(tmp: Path, path: Path) -> None:
    """Rename a finished temp file over `path` and make the rename durable."""
    retry_in_use(lambda: os.replace(tmp, path), path)
    fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically and durably (mode 0600)."""
    tmp = write_temp(path, data)
    try:
        commit_temp(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_move(src: Path, dst: Path) -> None:
    """Rename within one file system, refusing to overwrite, durably in both folders."""
    if dst.exists():
        raise FileExistsError(f"{dst} already exists")
    retry_in_use(lambda: os.replace(src, dst), src)
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


def unlink_durably(path: Path) -> bool:
    """Remove a file if present and make that durable; True if it was there."""
    try:
        retry_in_use(lambda: os.unlink(path), path)
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True


def is_temp_name(name: str) -> bool:
    return _TEMP_NAME.fullmatch(name) is not None


def remove_temp_files(folder: Path) -> int:
    """Delete temp files left by a crash in `folder` (not recursive); returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and is_temp_name(entry.name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    if removed:
        logger.info("removed %d unfinished temp file(s) in %s", removed, folder)
        fsync_dir(folder)
    return removed
