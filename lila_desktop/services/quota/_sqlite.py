"""SQLite plumbing shared by the local ledger and the portal outbox.

Connections run in autocommit mode (`isolation_level=None`) so that every
transaction is an explicit `BEGIN IMMEDIATE`: it takes the write lock up
front, which makes read-check-write sequences atomic across threads *and*
processes (two app copies, or a test's subprocesses, on one file).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def open_db(
    path: Path, *, synchronous: Literal["NORMAL", "FULL"], schema: str, version: int
) -> sqlite3.Connection:
    """Open (creating if needed) a WAL database with a busy timeout and `schema`.

    Raises:
        RuntimeError: the file is not a database we can use; the message says where.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise RuntimeError(f"Cannot open the quota database {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            # A network share cannot do WAL; we still work, just with more locking.
            logger.warning("quota database %s runs in %s mode, not WAL", path, mode)
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        with immediate(conn):
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            if found > version:
                raise RuntimeError(
                    f"The quota database {path} was written by a newer Lila Desktop "
                    f"(schema {found}, this one knows {version}); update the app."
                )
            for statement in schema.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise RuntimeError(
            f"The quota database {path} is unreadable ({exc}); move it aside and restart."
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that holds the lock from its first statement."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
