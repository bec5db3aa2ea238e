"""SQLite plumbing shared by the local ledger and the portal outbox.

Connections run in autocommit mode (`isolation_level=None`) so that every
transaction is an explicit `BEGIN IMMEDIATE`: it takes the write lock up
front, which makes read-check-write sequences atomic across threads *and*
processes (two app copies, or a test's subprocesses, on one file).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, Literal

from lila_desktop.core.quota import QuotaError

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xff).
_READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 8, 10, 11, 13, 14, 26
_LOW_SPACE: Final = 256 * 1024  # bytes: an I/O error with less free than this is a full disk


class LedgerDiskFull(OSError):
    """The disk under the quota database is full: the API answers 507 DISK_FULL."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.ENOSPC, message)

    def __str__(self) -> str:
        return str(self.strerror)


class LedgerUnavailable(QuotaError, RuntimeError):
    """The quota database cannot be used (damaged, read-only, no permission)."""


def classify(exc: sqlite3.Error, path: Path, what: str = "the quota database") -> Exception:
    """What a SQLite error means for the owner: a full disk is not a damaged file."""
    primary = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if primary == _FULL or (primary in (_IOERR, _CANTOPEN) and _low_space(path)):
        return LedgerDiskFull(
            f"The disk that holds {what} {path} is full ({exc}). Free some "
            "space and try again; nothing was lost."
        )
    if primary in (_CORRUPT, _NOTADB):
        return LedgerUnavailable(
            f"The quota database {path} is unreadable ({exc}): the file is damaged; move it "
            "aside (rename it) and restart; a new one is started."
        )
    if primary == _READONLY:
        return LedgerUnavailable(
            f"The quota database {path} cannot be written ({exc}). Check that the disk is "
            "not read-only and that the file and its folder belong to you."
        )
    return LedgerUnavailable(
        f"The quota database {path} could not be used ({exc}). Check the disk and the "
        "file's permissions, then try again."
    )


def _low_space(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < _LOW_SPACE
    except OSError:
        return False


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """Raise what `classify` makes of any SQLite error inside the block."""
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc, path) from exc


def open_db(
    path: Path, *, synchronous: Literal["NORMAL", "FULL"], schema: str, version: int
) -> sqlite3.Connection:
    """Open (creating if needed) a WAL database with a busy timeout and `schema`.

    Raises:
        LedgerDiskFull: the disk is full (an OSError with errno ENOSPC).
        LedgerUnavailable: the file is damaged, read-only or not ours; the message says
            which and what to do.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        path.parent.chmod(0o700)  # counts and message keys: private like the rest
    with translated(path):
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    try:
        with translated(path):
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = _wal(conn)
            if str(mode).lower() != "wal":
                # A network share cannot do WAL; we still work, just with more locking.
                logger.warning("quota database %s runs in %s mode, not WAL", path, mode)
            conn.execute(f"PRAGMA synchronous = {synchronous}")
            with immediate(conn):
                found = conn.execute("PRAGMA user_version").fetchone()[0]
                if found > version:
                    raise LedgerUnavailable(
                        f"The quota database {path} was written by a newer Lila Desktop "
                        f"(schema {found}, this one knows {version}); update the app."
                    )
                for statement in schema.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
        make_private(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _wal(conn: sqlite3.Connection) -> str:
    """Ask for WAL mode. While another connection holds the file's write lock
    (a second ledger or outbox opening a new file, another process sending),
    SQLite answers "database is locked" at once, without its busy timeout:
    retry for as long as that timeout would have waited."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def make_private(path: Path) -> None:
    """0600 for a database and its WAL files, 0700 for its folder: they hold counts and texts."""
    with contextlib.suppress(OSError):
        path.parent.chmod(0o700)
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            name.chmod(0o600)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that holds the lock from its first statement."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # SQLite may have rolled back already (a full disk does): the original
        # error is the one to report, not "no transaction is active".
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")  # never leave the connection inside a transaction
        raise
