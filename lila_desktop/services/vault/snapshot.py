"""Consistent copies of a live session store, and checks of store bytes.

The live store is written by whatsmeow inside the *engine* process; this
runs in the pool process, so Python's sqlite3 is an ordinary cross-process
reader and SQLite's file locks keep the copy consistent (NEONIZE_NOTES
hazard 7 is only about two SQLite copies inside one process). The file is
read (and checked, for a live snapshot) in one read transaction under a short
shared lock; whatsmeow waits up to 5 s for it, and a 5 MB store takes a few
milliseconds. The vault reads one number's store at a time (its lock), which
matters: closing a descriptor drops this process's POSIX locks on the file.

Checks of bytes that are not a live file (decrypted stores) run on an
in-memory database (deserialize): plaintext never touches the disk for them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lila_desktop.services.store_schema import BUSY_TIMEOUT_S, is_damage

SQLITE_MAGIC: Final = b"SQLite format 3\x00"
MMAP_BYTES: Final = 256 * 2**20


class StoreBusy(Exception):
    """The live store could not be read just now (locked past the busy timeout,
    or a disk or I/O error); its bytes are not known to be damaged. Try later."""


class StoreCorrupt(Exception):
    """The bytes are not a readable SQLite database; str(e) says what SQLite found."""


@dataclass(frozen=True)
class StoreCheck:
    jid: str | None
    has_data: bool

    @property
    def has_device(self) -> bool:
        return self.jid is not None


class CheckedBytes(bytes):
    """Store bytes that passed `check_store`, with its result: bytes cannot
    change, so the result stays true and no later step checks them again
    (a backup checked the same 5 MB three times)."""

    check: StoreCheck


def checked(data: bytes) -> CheckedBytes:
    """Integrity-check `data` once (StoreCorrupt) and keep the verdict with it."""
    if isinstance(data, CheckedBytes):
        return data
    result = check_store(data)
    out = CheckedBytes(data)
    out.check = result
    return out


def snapshot_store(path: Path) -> bytes:
    """A consistent copy of the store at `path` (which must exist) as bytes.

    Raises StoreCorrupt if SQLite finds the file damaged, StoreBusy for any
    other failure (its lock held past the busy timeout, I/O, a full disk).
    An empty file gives b"".
    """
    return _snapshot(path, check=False)[0]


def snapshot_checked(path: Path) -> CheckedBytes:
    """As snapshot_store, integrity-checked on the file inside the same read
    transaction: the pages checked are the bytes returned, and the check needs
    no second in-memory copy of the store (bench/bench_backup.py). The live
    file is already on disk; the check writes nothing. StoreCorrupt if damaged."""
    data, verdict = _snapshot(path, check=True)
    out = CheckedBytes(data)
    out.check = verdict or StoreCheck(jid=None, has_data=False)
    return out


def _snapshot(path: Path, *, check: bool) -> tuple[bytes, StoreCheck | None]:
    # mode=rw: never create a missing file, but allow SQLite to roll back a hot
    # journal left by a crashed engine (a read-only open would refuse to).
    uri = path.resolve().as_uri() + "?mode=rw"
    try:
        src = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.OperationalError as exc:
        if not path.exists():
            raise FileNotFoundError(f"no session store at {path}") from None
        raise StoreBusy(str(exc)) from None
    fd: int | None = None
    try:
        # One read transaction: its shared lock keeps the engine's commits out
        # of the file while we check and read it (rollback journal: a writer
        # touches the file only under an exclusive lock; a hot journal is
        # rolled back when the lock is taken). The file's bytes are then the
        # database: read in one system call, not copied page by page through
        # the pager and again into Python (bench/bench_backup.py).
        src.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")  # pages without a read() each
        src.execute("PRAGMA temp_store = MEMORY")  # a check never writes a temp file
        src.execute("BEGIN")
        pages = int(src.execute("PRAGMA page_count").fetchone()[0])
        if pages == 0:
            return b"", None
        verdict = _verdict(src) if check else None
        size = pages * int(src.execute("PRAGMA page_size").fetchone()[0])
        data = b""
        if str(src.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            # Closed only after the connection (below): on POSIX, closing any
            # descriptor of a file drops this process's locks on it.
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            data = os.read(fd, size)
        if len(data) != size:  # WAL, or a file shorter than its header says
            data = src.serialize()
        src.execute("COMMIT")
        return data, verdict
    except sqlite3.DatabaseError as exc:
        # Only damage is "corrupt" (the policy sets the store aside); locked,
        # disk full, I/O errors pass: a locked store was once set aside.
        if is_damage(exc):
            raise StoreCorrupt(str(exc)) from None
        raise StoreBusy(str(exc)) from None
    finally:
        src.close()
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def _in_memory(data: bytes) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        yield conn
    finally:
        conn.close()


def check_store(data: bytes) -> StoreCheck:
    """Integrity-check store bytes; raise StoreCorrupt, else report device and data.

    An empty store (b"") is valid and holds nothing.
    """
    if isinstance(data, CheckedBytes):
        return data.check
    if not data:
        return StoreCheck(jid=None, has_data=False)
    if not data.startswith(SQLITE_MAGIC):
        raise StoreCorrupt("not an SQLite database (wrong file header)")
    try:
        with _in_memory(data) as conn:
            return _verdict(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreCorrupt(str(exc)) from None


def _verdict(conn: sqlite3.Connection) -> StoreCheck:
    """PRAGMA integrity_check (StoreCorrupt), then the device and whether any table has rows."""
    result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise StoreCorrupt("SQLite integrity check failed: " + "; ".join(result[:3]))
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'whatsmeow_%'"
        )
    ]
    jid: str | None = None
    if "whatsmeow_device" in tables:
        row = conn.execute("SELECT jid FROM whatsmeow_device LIMIT 1").fetchone()
        jid = None if row is None else str(row[0])
    has_data = any(
        conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() is not None
        for t in tables
        if t != "whatsmeow_version"
    )
    return StoreCheck(jid=jid, has_data=has_data)
