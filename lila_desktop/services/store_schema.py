"""Real whatsmeow session stores without WhatsApp: create, pair, wipe, inspect.

Used by the simulated transport (it writes stores exactly as neonize would)
and by tests. The schema is the one neonize 0.5.2 creates
(`resources/whatsmeow_schema.sql`). A store "holds a paired device" when
`whatsmeow_device` has a row: whatsmeow then logs in with it instead of
showing a QR. All functions block (sqlite3): call them via `run_blocking`.

Never call these on a store that neonize has open *in the same process*
(NEONIZE_NOTES hazard 7: two SQLite copies do not see each other's locks).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Final

from lila_desktop.core.phone import normalize_phone

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_S: Final = 5.0  # whatsmeow waits 5 s on a locked store; so do we

# Per-device tables, deleted with the device as whatsmeow's Store.Delete does
# (FOREIGN KEY ... ON DELETE CASCADE, plus the ones without a foreign key).
_DEVICE_TABLES: Final = {
    "whatsmeow_identity_keys": "our_jid",
    "whatsmeow_pre_keys": "jid",
    "whatsmeow_sessions": "our_jid",
    "whatsmeow_sender_keys": "our_jid",
    "whatsmeow_app_state_sync_keys": "jid",
    "whatsmeow_app_state_mutation_macs": "jid",
    "whatsmeow_app_state_version": "jid",
    "whatsmeow_contacts": "our_jid",
    "whatsmeow_chat_settings": "our_jid",
    "whatsmeow_message_secrets": "our_jid",
    "whatsmeow_privacy_tokens": "our_jid",
    "whatsmeow_nct_salt": "our_jid",
    "whatsmeow_event_buffer": "our_jid",
    "whatsmeow_retry_buffer": "our_jid",
}


def schema_sql() -> str:
    return (resources.files("lila_desktop") / "resources" / "whatsmeow_schema.sql").read_text(
        encoding="utf-8"
    )


@contextlib.contextmanager
def _connect(path: Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    if not create and not path.exists():
        raise FileNotFoundError(f"no session store at {path}")
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        yield conn
    finally:
        conn.close()


# SQLite's primary result codes that mean the bytes are damaged; every other
# error (BUSY, LOCKED, FULL, IOERR, CANTOPEN ...) is a moment, not the store.
_DAMAGE_CODES: Final = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def is_damage(exc: sqlite3.Error) -> bool:
    """True if SQLite says the database itself is damaged (not busy, full, or I/O)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # raised by Python, not SQLite (e.g. a closed connection)
        return False
    return (code & 0xFF) in _DAMAGE_CODES


def create_store(path: Path) -> None:
    """Create an empty (unpaired) store with the whatsmeow schema; no-op if it has one."""
    fresh = not path.exists()
    with _connect(path, create=True) as conn:
        if fresh and os.name == "posix":
            os.chmod(path, 0o600)
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='whatsmeow_version'"
        ).fetchone()
        if exists is None:
            conn.executescript("BEGIN;\n" + schema_sql() + "\nCOMMIT;")


def add_device(path: Path, phone: str) -> str:
    """Pair the store: insert a `whatsmeow_device` row with fresh random keys; returns the JID."""
    number = normalize_phone(phone)
    create_store(path)
    keys = (
        secrets.randbelow(2**32),
        secrets.token_bytes(32),  # noise_key
        secrets.token_bytes(32),  # identity_key
        secrets.token_bytes(32),  # signed_pre_key
        1 + secrets.randbelow(2**24 - 1),
        secrets.token_bytes(64),  # signed_pre_key_sig
        secrets.token_bytes(32),  # adv_key
        secrets.token_bytes(48),  # adv_details (a protobuf in real stores)
        secrets.token_bytes(64),  # adv_account_sig
        secrets.token_bytes(32),  # adv_account_sig_key
        secrets.token_bytes(64),  # adv_device_sig
    )
    with _connect(path) as conn:
        # A device number not taken in this store (two random picks of 90 collided 1 in 90).
        used = {str(jid) for (jid,) in conn.execute("SELECT jid FROM whatsmeow_device")}
        free = [f"{number}.0:{n}@s.whatsapp.net" for n in range(10, 100)]
        jid = secrets.choice([j for j in free if j not in used])
        conn.execute(
            "INSERT INTO whatsmeow_device (jid, registration_id, noise_key, identity_key,"
            " signed_pre_key, signed_pre_key_id, signed_pre_key_sig, adv_key, adv_details,"
            " adv_account_sig, adv_account_sig_key, adv_device_sig, platform, push_name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'android', 'Lila')",
            (jid, *keys),
        )
    return jid


def make_paired_store(path: Path, phone: str) -> str:
    """A store as neonize leaves it right after a scan: schema plus one device."""
    return add_device(path, phone)


def wipe_device(path: Path) -> None:
    """Delete the device and its per-device rows, as whatsmeow does on logout."""
    with _connect(path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            jids = [r[0] for r in conn.execute("SELECT jid FROM whatsmeow_device")]
            for table, column in _DEVICE_TABLES.items():
                conn.executemany(
                    f"DELETE FROM {table} WHERE {column} = ?", [(jid,) for jid in jids]
                )
            conn.execute("DELETE FROM whatsmeow_device")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def device_jid(path: Path) -> str | None:
    """The JID of the paired device, or None (no store, no schema, or not paired)."""
    if not path.exists():
        return None
    with _connect(path) as conn:
        try:
            row = conn.execute("SELECT jid FROM whatsmeow_device LIMIT 1").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
    return None if row is None else str(row[0])


def has_device(path: Path) -> bool:
    """Whether the store at `path` holds a paired device."""
    return device_jid(path) is not None
