"""The outbox on disk: one SQLite file, every change committed (fsync) first.

`synchronous = FULL` in WAL mode: a state change that returned is on disk, so
a crash right after it can never forget it. The app acts (sends, reports)
only after the change is committed: a message is `sending` on disk before it
leaves, which is how a crash mid-send turns into `unknown` and never into a
second send.

A state change and its webhook event are one transaction (the transactional
outbox pattern): an event can never be lost between the change and its POST.

Blocking: call through run_blocking. One connection, guarded by a lock.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from lila_desktop.core.outbox import MessageStatus
from lila_desktop.services.outbox.records import (
    COLUMNS,
    SELECT,
    OutboxMessage,
    PendingEvent,
    WebhookConfig,
    iso,
    row_to_message,
)
from lila_desktop.services.outbox.schema import SCHEMA, SCHEMA_VERSION
from lila_desktop.services.quota._sqlite import LedgerDiskFull, classify, make_private

logger = logging.getLogger(__name__)

KEEP_FINAL_DAYS = 30  # finished messages stay readable through the API this long


class OutboxStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._webhook: WebhookConfig | None = None
        self._closed = False

    # --- plumbing ------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("The outbox is closed.")
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")  # committed means on disk
            with _tx(conn):
                found = conn.execute("PRAGMA user_version").fetchone()[0]
                if found > SCHEMA_VERSION:
                    raise RuntimeError(
                        f"The outbox {self.path} was written by a newer Lila Desktop; "
                        "update the app."
                    )
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            row = conn.execute("SELECT url, secret, allow_private FROM webhook").fetchone()
            self._webhook = None if row is None else WebhookConfig(row[0], row[1], bool(row[2]))
        except sqlite3.DatabaseError as exc:
            problem = classify(exc, self.path, "the message outbox")
            if isinstance(problem, LedgerDiskFull):  # 507 with what to do, not "unreadable"
                raise problem from exc
            raise RuntimeError(
                f"The outbox {self.path} is unreadable ({exc}); move it aside and restart."
            ) from exc
        make_private(self.path)  # queued texts and the webhook secret: 0600 in a 0700 folder
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._db()
            with _tx(db):
                yield db

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # --- messages ------------------------------------------------------------

    def insert(self, msg: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Store a new message; (the stored one, False) when its id exists already."""
        with self._write() as db:
            existing = row_to_message(db.execute(f"{SELECT} WHERE id = ?", (msg.id,)).fetchone())
            if existing is not None:
                return existing, False
            names = [c for c in COLUMNS if c != "seq"]
            values = [getattr(msg, c) for c in names]
            cur = db.execute(
                f"INSERT INTO messages ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [v.value if isinstance(v, MessageStatus) else v for v in values],
            )
            stored = replace(msg, seq=int(cur.lastrowid or 0))
            self._event(db, stored)
            return stored, True

    def transition(
        self,
        msg_id: str,
        to: MessageStatus,
        *,
        allowed_from: frozenset[MessageStatus],
        now: float,
        reason: str | None = None,
        **extra: Any,
    ) -> OutboxMessage | None:
        """Move a message to `to` if it is in one of `allowed_from`; None otherwise.

        The condition is part of the UPDATE, so a cancel and a send racing for
        one message can never both win.
        """
        sets = {"status": to.value, "updated_at": now, "reason": reason, **extra}
        marks = ", ".join(f"{k} = ?" for k in sets)
        froms = [s.value for s in allowed_from]
        with self._write() as db:
            cur = db.execute(
                f"UPDATE messages SET {marks} WHERE id = ? "
                f"AND status IN ({', '.join('?' * len(froms))})",
                [*sets.values(), msg_id, *froms],
            )
            if cur.rowcount == 0:
                return None
            msg = row_to_message(db.execute(f"{SELECT} WHERE id = ?", (msg_id,)).fetchone())
            assert msg is not None
            self._event(db, msg)
            return msg

    def recover(self, now: float) -> list[OutboxMessage]:
        """After a crash: every `sending` message becomes `unknown` (it may have gone)."""
        with self._write() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM messages WHERE status = 'sending'")]
            out = []
            for msg_id in ids:
                db.execute(
                    "UPDATE messages SET status = 'unknown', updated_at = ?, reason = ? "
                    "WHERE id = ?",
                    (
                        now,
                        "The app stopped while this message was being sent; it may have "
                        "arrived, so it was not sent again.",
                        msg_id,
                    ),
                )
                msg = row_to_message(db.execute(f"{SELECT} WHERE id = ?", (msg_id,)).fetchone())
                assert msg is not None
                self._event(db, msg)
                out.append(msg)
            cutoff = now - KEEP_FINAL_DAYS * 86400
            db.execute(
                "DELETE FROM messages WHERE updated_at < ? AND status NOT IN ('queued', 'sending')",
                (cutoff,),
            )
            return out

    def get(self, msg_id: str) -> OutboxMessage | None:
        with self._lock:
            return row_to_message(
                self._db().execute(f"{SELECT} WHERE id = ?", (msg_id,)).fetchone()
            )

    def by_wa_id(self, phone: str, wa_id: str) -> OutboxMessage | None:
        with self._lock:
            row = (
                self._db()
                .execute(f"{SELECT} WHERE wa_id = ? AND phone = ?", (wa_id, phone))
                .fetchone()
            )
            return row_to_message(row)

    def next_queued(self, phone: str) -> OutboxMessage | None:
        with self._lock:
            row = (
                self._db()
                .execute(
                    f"{SELECT} WHERE phone = ? AND status = 'queued' ORDER BY seq LIMIT 1",
                    (phone,),
                )
                .fetchone()
            )
            return row_to_message(row)

    def expired_queued(self, phone: str, now: float) -> list[OutboxMessage]:
        with self._lock:
            rows = (
                self._db()
                .execute(
                    f"{SELECT} WHERE phone = ? AND status = 'queued' AND expires_at <= ? "
                    "ORDER BY seq LIMIT 500",
                    (phone, now),
                )
                .fetchall()
            )
        return [m for m in map(row_to_message, rows) if m is not None]

    def next_expiry(self, phone: str) -> float | None:
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT min(expires_at) FROM messages WHERE phone = ? AND status = 'queued'",
                    (phone,),
                )
                .fetchone()
            )
        return None if row is None or row[0] is None else float(row[0])

    def waiting(self) -> dict[str, int]:
        """Queued messages per number (numbers with none left out)."""
        with self._lock:
            rows = self._db().execute(
                "SELECT phone, count(*) FROM messages WHERE status = 'queued' GROUP BY phone"
            )
            return {str(phone): int(n) for phone, n in rows}

    def queued_phones(self) -> list[str]:
        with self._lock:
            rows = self._db().execute("SELECT DISTINCT phone FROM messages WHERE status = 'queued'")
            return [r[0] for r in rows]

    def page(
        self,
        *,
        phone: str | None,
        status: MessageStatus | None,
        limit: int,
        before: int | None,
    ) -> list[OutboxMessage]:
        """Newest first; `before` is the `seq` cursor of the previous page's last one."""
        where: list[str] = []
        args: list[Any] = []
        if phone is not None:
            where.append("phone = ?")
            args.append(phone)
        if status is not None:
            where.append("status = ?")
            args.append(status.value)
        if before is not None:
            where.append("seq < ?")
            args.append(before)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            rows = (
                self._db()
                .execute(f"{SELECT}{clause} ORDER BY seq DESC LIMIT ?", (*args, limit))
                .fetchall()
            )
        return [m for m in map(row_to_message, rows) if m is not None]

    def counts(self, phone: str | None = None) -> dict[str, int]:
        with self._lock:
            if phone is None:
                rows = self._db().execute("SELECT status, count(*) FROM messages GROUP BY status")
            else:
                rows = self._db().execute(
                    "SELECT status, count(*) FROM messages WHERE phone = ? GROUP BY status",
                    (phone,),
                )
            found = dict(rows.fetchall())
        return {s.value: int(found.get(s.value, 0)) for s in MessageStatus}

    def unsettled(self) -> list[tuple[str, str, MessageStatus]]:
        """Finished messages whose quota unit was not yet committed or given back."""
        with self._lock:
            rows = (
                self._db()
                .execute(
                    "SELECT id, phone, status FROM messages WHERE quota_settled = 0 "
                    "AND status NOT IN ('queued', 'sending')"
                )
                .fetchall()
            )
        return [(r[0], r[1], MessageStatus(r[2])) for r in rows]

    def mark_settled(self, msg_id: str) -> None:
        with self._write() as db:
            db.execute("UPDATE messages SET quota_settled = 1 WHERE id = ?", (msg_id,))

    # --- webhook events ------------------------------------------------------

    def webhook(self) -> WebhookConfig | None:
        with self._lock:
            self._db()
            return self._webhook

    def set_webhook(self, config: WebhookConfig | None) -> None:
        with self._write() as db:
            db.execute("DELETE FROM webhook")
            if config is not None:
                db.execute(
                    "INSERT INTO webhook (id, url, secret, allow_private) VALUES (1, ?, ?, ?)",
                    (config.url, config.secret, int(config.allow_private)),
                )
            else:
                db.execute("DELETE FROM events")  # nobody to tell any more
            self._webhook = config

    def due_events(self, now: float, limit: int = 50) -> list[PendingEvent]:
        with self._lock:
            rows = (
                self._db()
                .execute(
                    "SELECT seq, event_id, body, attempts FROM events WHERE next_at <= ? "
                    "ORDER BY seq LIMIT ?",
                    (now, limit),
                )
                .fetchall()
            )
        return [PendingEvent(*r) for r in rows]

    def next_event_at(self) -> float | None:
        with self._lock:
            row = self._db().execute("SELECT min(next_at) FROM events").fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def event_delivered(self, seq: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM events WHERE seq = ?", (seq,))

    def event_failed(self, seq: int, *, next_at: float, error: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE events SET attempts = attempts + 1, next_at = ?, last_error = ? "
                "WHERE seq = ?",
                (next_at, error[:500], seq),
            )

    def pending_events(self) -> int:
        with self._lock:
            return int(self._db().execute("SELECT count(*) FROM events").fetchone()[0])

    def _event(self, db: sqlite3.Connection, msg: OutboxMessage) -> None:
        if self._webhook is None:
            return
        event_id = f"evt_{uuid.uuid4().hex}"
        body = json.dumps(
            {
                "id": event_id,
                "type": f"message.{msg.status.value}",
                "createdAt": iso(msg.updated_at),
                "data": msg.as_dict(),
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
        db.execute(
            "INSERT INTO events (event_id, body, next_at) VALUES (?, ?, ?)",
            (event_id, body, msg.updated_at),
        )


@contextmanager
def _tx(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
