"""The portal ledger's local memory: outbox of pending increments, quota cache.

While MongoDB answers, this file only remembers which reservations are under
way and the last numbers the portal gave. While it does not, sends go on
against those numbers (`reserve_local`) and what the portal must learn is kept
here, one row per idempotency key, until a flush applies it.

A pending row is the *desired state of one key in the portal*: `inc` means
"this key is counted", `refund` means "this key is not counted". Both portal
operations are guarded by the key (see mongo_ledger), so applying one twice
changes nothing, and a later wish for the same key simply replaces the earlier
one: this is what makes "nothing lost, nothing counted twice" hold across lost
replies, retries and restarts.

All methods block (SQLite, synchronous=FULL: usage owed to the portal must
survive a power cut); the ledger calls them through run_blocking.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import bson

from lila_desktop.core.quota import QuotaExceeded, QuotaStatus, QuotaUnavailable
from lila_desktop.services.quota._sqlite import immediate, open_db

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS companies (
    doc_id BLOB PRIMARY KEY,
    company_id TEXT NOT NULL,
    msg_limit INTEGER NOT NULL,
    used INTEGER NOT NULL,
    fetched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS senders (
    sender TEXT PRIMARY KEY,
    doc_id BLOB NOT NULL,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS reservations (
    key TEXT PRIMARY KEY,
    doc_id BLOB NOT NULL,
    period TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('portal', 'local')),
    maybe_applied INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('reserved', 'committed')),
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS reservations_open ON reservations (doc_id, mode)
    WHERE state = 'reserved';
CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    doc_id BLOB NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('inc', 'refund')),
    created_at REAL NOT NULL
)
"""

KEY_RETENTION = timedelta(days=62)
Op = Literal["inc", "refund"]


@dataclass(frozen=True)
class CompanyRef:
    """One company document of the portal."""

    doc_id: bytes  # BSON of {"_id": ...}: any _id type (ObjectId, str) round-trips
    company_id: str  # what people see: the `companyId` field, else str(_id)

    @classmethod
    def of(cls, doc: dict[str, Any]) -> CompanyRef:
        shown = doc.get("companyId")
        return cls(bson.encode({"_id": doc["_id"]}), str(shown if shown else doc["_id"]))

    @property
    def oid(self) -> Any:
        return bson.decode(self.doc_id)["_id"]


@dataclass(frozen=True)
class PendingOp:
    seq: int
    key: str
    doc_id: bytes
    op: Op

    @property
    def oid(self) -> Any:
        return bson.decode(self.doc_id)["_id"]


class Outbox:
    """See the module docstring. Thread-safe; one connection guarded by a lock."""

    def __init__(
        self, path: Path, *, clock: Callable[[], datetime], reservation_ttl: timedelta
    ) -> None:
        self._path = path
        self._clock = clock
        self._ttl = reservation_ttl
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self.has_pending = True  # unknown until opened: let the first flush look

    def _db(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("The quota outbox is closed.")
        if self._conn is None:
            self._conn = open_db(
                self._path, synchronous="FULL", schema=SCHEMA, version=SCHEMA_VERSION
            )
            cutoff = (self._clock() - KEY_RETENTION).timestamp()
            with immediate(self._conn) as db:
                db.execute(
                    "DELETE FROM reservations WHERE state = 'committed' AND created_at < ?",
                    (cutoff,),
                )
                self._refresh_pending_flag(db)
        return self._conn

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- the portal's numbers ---------------------------------------------------

    def remember(self, sender: str | None, company: CompanyRef, limit: int, used: int) -> None:
        """Store what the portal just said about `company` (and that `sender` is its)."""
        with self._lock, immediate(self._db()) as db:
            self._remember(db, sender, company, limit, used)

    def company_for(self, sender: str) -> CompanyRef | None:
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT c.doc_id, c.company_id FROM senders s "
                    "JOIN companies c ON c.doc_id = s.doc_id WHERE s.sender = ?",
                    (sender,),
                )
                .fetchone()
            )
        return CompanyRef(row[0], row[1]) if row else None

    def status(self, company: CompanyRef, period: str, *, reachable: bool) -> QuotaStatus:
        with self._lock, immediate(self._db()) as db:
            self._expire(db)
            return self._status(db, company, period, reachable=reachable)

    # --- reservations -------------------------------------------------------------

    def add_portal_reservation(
        self, key: str, sender: str, company: CompanyRef, period: str, limit: int, used: int
    ) -> QuotaStatus:
        """The portal counted `key` (now or by an earlier attempt): remember it."""
        with self._lock, immediate(self._db()) as db:
            self._remember(db, sender, company, limit, used)
            # The portal counts the key and that is now what we want: an older
            # wish to refund it must not undo this reservation.
            db.execute("DELETE FROM pending WHERE key = ?", (key,))
            db.execute(
                "INSERT OR IGNORE INTO reservations "
                "(key, doc_id, period, mode, state, created_at) "
                "VALUES (?, ?, ?, 'portal', 'reserved', ?)",
                (key, company.doc_id, period, self._clock().timestamp()),
            )
            self._refresh_pending_flag(db)
            self._expire(db)
            return self._status(db, company, period, reachable=True)

    def reserve_local(
        self, key: str, company: CompanyRef, period: str, *, maybe_applied: bool
    ) -> QuotaStatus:
        """Reserve against the last known portal numbers (the portal is unreachable).

        `maybe_applied`: a portal reservation for this key was sent but its
        reply was lost, so the portal may count it already.

        Raises:
            QuotaExceeded: nothing left of the last known quota.
            QuotaUnavailable: the portal never told us this company's quota.
        """
        with self._lock, immediate(self._db()) as db:
            self._expire(db)
            if self._cached(db, company) is None:
                raise QuotaUnavailable(
                    "The company portal is unreachable and this laptop has not seen "
                    "its quota yet; sending resumes when the portal answers."
                )
            row = db.execute("SELECT 1 FROM reservations WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return self._status(db, company, period, reachable=False)
            status = self._status(db, company, period, reachable=False)
            if status.remaining > 0:
                db.execute(
                    "INSERT INTO reservations "
                    "(key, doc_id, period, mode, maybe_applied, state, created_at) "
                    "VALUES (?, ?, ?, 'local', ?, 'reserved', ?)",
                    (key, company.doc_id, period, int(maybe_applied), self._clock().timestamp()),
                )
                return self._status(db, company, period, reachable=False)
            if maybe_applied:
                self._want(db, key, company.doc_id, "refund")
        raise QuotaExceeded(status)

    def commit(self, key: str, company: CompanyRef | None, period: str) -> CompanyRef:
        """The message went out. Returns its company (for the status).

        Raises:
            QuotaUnavailable: no reservation and no known company to count it for.
        """
        with self._lock, immediate(self._db()) as db:
            row = db.execute(
                "SELECT r.doc_id, c.company_id, r.mode, r.state FROM reservations r "
                "LEFT JOIN companies c ON c.doc_id = r.doc_id WHERE r.key = ?",
                (key,),
            ).fetchone()
            if row is None:
                if company is None:
                    raise QuotaUnavailable(
                        "A message was sent without a quota reservation and its company "
                        "is unknown; it cannot be counted."
                    )
                logger.warning("quota commit without reservation; queued for the portal")
                db.execute(
                    "INSERT INTO reservations (key, doc_id, period, mode, state, created_at) "
                    "VALUES (?, ?, ?, 'local', 'committed', ?)",
                    (key, company.doc_id, period, self._clock().timestamp()),
                )
                self._want(db, key, company.doc_id, "inc")
                return company
            doc_id, shown, mode, state = row
            if state == "reserved":
                db.execute("UPDATE reservations SET state = 'committed' WHERE key = ?", (key,))
                if mode == "local":
                    self._want(db, key, doc_id, "inc")
            return CompanyRef(doc_id, shown or "")

    def release(self, key: str) -> bool:
        """The send failed. Returns True if the portal must be told (a refund is queued)."""
        with self._lock, immediate(self._db()) as db:
            row = db.execute(
                "SELECT doc_id, mode, maybe_applied FROM reservations "
                "WHERE key = ? AND state = 'reserved'",
                (key,),
            ).fetchone()
            if row is None:
                return False  # unknown, or committed: a sent message stays counted
            doc_id, mode, maybe_applied = row
            db.execute("DELETE FROM reservations WHERE key = ?", (key,))
            if mode == "portal" or maybe_applied:
                self._want(db, key, doc_id, "refund")
                return True
            return False

    # --- flushing -------------------------------------------------------------------

    def pending_ops(self, limit: int = 200) -> list[PendingOp]:
        with self._lock:
            rows = (
                self._db()
                .execute("SELECT seq, key, doc_id, op FROM pending ORDER BY seq LIMIT ?", (limit,))
                .fetchall()
            )
        return [PendingOp(seq, key, doc_id, op) for seq, key, doc_id, op in rows]

    def settle(self, ops: list[PendingOp], fresh: tuple[CompanyRef, int, int] | None) -> None:
        """The portal applied `ops`; `fresh` is its company's (ref, limit, used) now."""
        with self._lock, immediate(self._db()) as db:
            # By seq: a key re-queued meanwhile (new wish, new seq) stays pending.
            db.executemany("DELETE FROM pending WHERE seq = ?", [(op.seq,) for op in ops])
            if fresh is not None:
                self._remember(db, None, *fresh)
            self._refresh_pending_flag(db)

    # --- helpers (inside a transaction) -------------------------------------------

    def _remember(
        self, db: sqlite3.Connection, sender: str | None, company: CompanyRef, limit: int, used: int
    ) -> None:
        now = self._clock().timestamp()
        db.execute(
            "INSERT INTO companies (doc_id, company_id, msg_limit, used, fetched_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (doc_id) DO UPDATE SET "
            "company_id = excluded.company_id, msg_limit = excluded.msg_limit, "
            "used = excluded.used, fetched_at = excluded.fetched_at",
            (company.doc_id, company.company_id, limit, used, now),
        )
        if sender is not None:
            db.execute(
                "INSERT OR REPLACE INTO senders (sender, doc_id, seen_at) VALUES (?, ?, ?)",
                (sender, company.doc_id, now),
            )

    def _cached(self, db: sqlite3.Connection, company: CompanyRef) -> tuple[int, int] | None:
        row = db.execute(
            "SELECT msg_limit, used FROM companies WHERE doc_id = ?", (company.doc_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def _status(
        self, db: sqlite3.Connection, company: CompanyRef, period: str, *, reachable: bool
    ) -> QuotaStatus:
        cached = self._cached(db, company)
        if cached is None:
            raise QuotaUnavailable(
                "The company portal has not told this laptop its quota yet; "
                "check the MongoDB connection in Settings."
            )
        limit, portal_used = cached

        def count(sql: str) -> int:
            return int(db.execute(sql, (company.doc_id,)).fetchone()[0])

        # Portal reservations under way are inside the portal's counter already;
        # local ones and unflushed increments are not.
        in_portal = count(
            "SELECT count(*) FROM reservations "
            "WHERE doc_id = ? AND mode = 'portal' AND state = 'reserved'"
        )
        local = count(
            "SELECT count(*) FROM reservations "
            "WHERE doc_id = ? AND mode = 'local' AND state = 'reserved'"
        )
        unflushed = count("SELECT count(*) FROM pending WHERE doc_id = ? AND op = 'inc'")
        return QuotaStatus.of(
            company_id=company.company_id,
            period=period,
            limit=limit,
            used=portal_used - in_portal + unflushed,
            reserved=in_portal + local,
            source="portal",
            portal_reachable=reachable,
            stale=not reachable,
        )

    def _want(self, db: sqlite3.Connection, key: str, doc_id: bytes, op: Op) -> None:
        db.execute(
            "INSERT OR REPLACE INTO pending (key, doc_id, op, created_at) VALUES (?, ?, ?, ?)",
            (key, doc_id, op, self._clock().timestamp()),
        )
        self.has_pending = True

    def _expire(self, db: sqlite3.Connection) -> None:
        # Same rule as the local ledger: unsettled after the TTL counts as sent.
        cutoff = (self._clock() - self._ttl).timestamp()
        stale = db.execute(
            "SELECT key, doc_id, mode FROM reservations "
            "WHERE state = 'reserved' AND created_at < ?",
            (cutoff,),
        ).fetchall()
        for key, doc_id, mode in stale:
            db.execute("UPDATE reservations SET state = 'committed' WHERE key = ?", (key,))
            if mode == "local":
                self._want(db, key, doc_id, "inc")
        if stale:
            logger.warning("%d quota reservation(s) never settled; counted as sent", len(stale))

    def _refresh_pending_flag(self, db: sqlite3.Connection) -> None:
        self.has_pending = db.execute("SELECT 1 FROM pending LIMIT 1").fetchone() is not None
