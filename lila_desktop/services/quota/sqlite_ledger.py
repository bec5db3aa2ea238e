"""The embedded quota ledger: one SQLite file on the laptop (PRODUCT.md §3).

Every step is one `BEGIN IMMEDIATE` transaction, so the check and the take
of a reservation are atomic across threads and processes. Each message's
idempotency key has one row: `reserved` (a send under way) or `committed`
(counted). The per-period total of committed units lives in `usage`, so a
check costs the same in the first and in the 100 000th message of a month.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.quota import (
    DEFAULT_LIMIT,
    QuotaExceeded,
    QuotaStatus,
    current_period,
    parse_limit,
    validate_key,
)
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.quota._sqlite import immediate, open_db, translated

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    company_id TEXT NOT NULL,
    period TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (company_id, period)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reservations (
    key TEXT PRIMARY KEY,
    company_id TEXT NOT NULL,
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('reserved', 'committed')),
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS reservations_open
    ON reservations (company_id, period) WHERE state = 'reserved';
CREATE INDEX IF NOT EXISTS reservations_age ON reservations (created_at)
"""

# A reservation nobody committed or released within this time counts as used:
# the app may have crashed after the message went out, and a quota must not
# be stretchable by crashing. Sends take seconds, so 15 minutes is generous.
DEFAULT_RESERVATION_TTL = timedelta(minutes=15)
# Keys are kept this long so that a late retry of a commit is still recognised.
KEY_RETENTION = timedelta(days=62)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SqliteLedger:
    """The default `QuotaLedger`: one company ("local"), limit from Settings/env.

    Args:
        path: the database file (created with its folder on first use).
        limit: messages per month; change later with `set_limit`.
        company_id: the name shown for the quota owner.
        clock: returns aware datetimes; tests pass a fake one.
        reservation_ttl: see DEFAULT_RESERVATION_TTL.
    """

    def __init__(
        self,
        path: Path,
        *,
        limit: int = DEFAULT_LIMIT,
        company_id: str = "local",
        clock: Clock = _utc_now,
        reservation_ttl: timedelta = DEFAULT_RESERVATION_TTL,
    ) -> None:
        self._path = path
        self._limit = parse_limit(limit)
        self._company_id = company_id
        self._clock = clock
        self._ttl = reservation_ttl
        # Guards the one connection; SQLite's own lock guards the file.
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    @property
    def limit(self) -> int:
        return self._limit

    def set_limit(self, limit: int) -> None:
        """Apply a new monthly limit from Settings (takes effect on the next check)."""
        self._limit = parse_limit(limit)

    # --- QuotaLedger ------------------------------------------------------------

    async def reserve(self, sender: str, key: str) -> QuotaStatus:
        normalize_phone(sender)  # refuses a bad sender with a clear message
        return await run_blocking(self._reserve, validate_key(key))

    async def commit(self, sender: str, key: str) -> QuotaStatus:
        normalize_phone(sender)
        return await run_blocking(self._commit, validate_key(key))

    async def release(self, sender: str, key: str) -> None:
        normalize_phone(sender)
        await run_blocking(self._release, validate_key(key))

    async def status(self, sender: str) -> QuotaStatus:
        normalize_phone(sender)
        return await run_blocking(self._status)

    async def aclose(self) -> None:
        await run_blocking(self._close)

    async def __aenter__(self) -> SqliteLedger:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- blocking side (runs in run_blocking's threads) -------------------------

    def _db(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("The quota ledger is closed.")
        if self._conn is None:
            self._conn = open_db(
                self._path, synchronous="NORMAL", schema=SCHEMA, version=SCHEMA_VERSION
            )
            self._prune(self._conn)
        return self._conn

    def _reserve(self, key: str) -> QuotaStatus:
        now = self._clock()
        period = current_period(now)
        with translated(self._path), self._lock, immediate(self._db()) as db:
            self._expire(db, now)
            row = db.execute(
                "SELECT state, period FROM reservations WHERE key = ?", (key,)
            ).fetchone()
            if row is not None:
                return self._read(db, row[1])  # a retry: the unit is already taken
            status = self._read(db, period)
            if status.remaining > 0:
                db.execute(
                    "INSERT INTO reservations (key, company_id, period, state, created_at) "
                    "VALUES (?, ?, ?, 'reserved', ?)",
                    (key, self._company_id, period, now.timestamp()),
                )
                return self._read(db, period)
        # Raised after COMMIT so that the expiry above is kept.
        raise QuotaExceeded(status)

    def _commit(self, key: str) -> QuotaStatus:
        now = self._clock()
        with translated(self._path), self._lock, immediate(self._db()) as db:
            row = db.execute(
                "SELECT state, period FROM reservations WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                # Sent without a (live) reservation: it went out, so it counts.
                period = current_period(now)
                logger.warning("quota commit without reservation; counting it in %s", period)
                db.execute(
                    "INSERT INTO reservations (key, company_id, period, state, created_at) "
                    "VALUES (?, ?, ?, 'committed', ?)",
                    (key, self._company_id, period, now.timestamp()),
                )
                self._count(db, period, 1)
                return self._read(db, period)
            state, period = row
            if state == "reserved":
                db.execute("UPDATE reservations SET state = 'committed' WHERE key = ?", (key,))
                self._count(db, period, 1)
            return self._read(db, period)

    def _release(self, key: str) -> None:
        with translated(self._path), self._lock, immediate(self._db()) as db:
            # A committed unit stays: the message went out and cannot be unsent.
            db.execute("DELETE FROM reservations WHERE key = ? AND state = 'reserved'", (key,))

    def _status(self) -> QuotaStatus:
        now = self._clock()
        with translated(self._path), self._lock, immediate(self._db()) as db:
            self._expire(db, now)
            return self._read(db, current_period(now))

    def _close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- helpers (inside a transaction) ----------------------------------------

    def _read(self, db: sqlite3.Connection, period: str) -> QuotaStatus:
        used_row = db.execute(
            "SELECT used FROM usage WHERE company_id = ? AND period = ?",
            (self._company_id, period),
        ).fetchone()
        reserved = db.execute(
            "SELECT count(*) FROM reservations "
            "WHERE company_id = ? AND period = ? AND state = 'reserved'",
            (self._company_id, period),
        ).fetchone()[0]
        return QuotaStatus.of(
            company_id=self._company_id,
            period=period,
            limit=self._limit,
            used=used_row[0] if used_row else 0,
            reserved=reserved,
            source="local",
        )

    def _count(self, db: sqlite3.Connection, period: str, n: int) -> None:
        db.execute(
            "INSERT INTO usage (company_id, period, used) VALUES (?, ?, ?) "
            "ON CONFLICT (company_id, period) DO UPDATE SET used = used + excluded.used",
            (self._company_id, period, n),
        )

    def _expire(self, db: sqlite3.Connection, now: datetime) -> None:
        cutoff = (now - self._ttl).timestamp()
        expired = db.execute(
            "SELECT period, count(*) FROM reservations "
            "WHERE company_id = ? AND state = 'reserved' AND created_at < ? GROUP BY period",
            (self._company_id, cutoff),
        ).fetchall()
        if not expired:
            return
        db.execute(
            "UPDATE reservations SET state = 'committed' "
            "WHERE company_id = ? AND state = 'reserved' AND created_at < ?",
            (self._company_id, cutoff),
        )
        for period, n in expired:
            logger.warning("%d quota reservation(s) never settled; counted as sent", n)
            self._count(db, period, n)

    def _prune(self, conn: sqlite3.Connection) -> None:
        cutoff = (self._clock() - KEY_RETENTION).timestamp()
        with immediate(conn):
            conn.execute(
                "DELETE FROM reservations WHERE state = 'committed' AND created_at < ?", (cutoff,)
            )
