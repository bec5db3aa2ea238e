"""What must hold on disk after any fault: the campaign's file checks.

- Every credential file under a final name decrypts and verifies (a crash
  may leave temp files, never a half-written store or backup).
- Every other file the app writes atomically parses (sessions.json); the
  session history (an append-only log) may tear only its last line.
- The quota ledger passes SQLite's integrity check (on a copy).
- After a clean shutdown, no plaintext SQLite is left under the data folder
  (the quota ledger and the message outbox aside: counts and queued texts,
  not credentials) or in the runtime folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

from bench.harness.app_process import plaintext_files
from lila_desktop.core.backup_naming import parse_backup_file_name
from lila_desktop.services.vault import default_runtime_dir
from lila_desktop.services.vault.atomic import is_temp_name
from lila_desktop.services.vault.sealed import (
    PURPOSE_ASIDE,
    PURPOSE_BACKUP,
    PURPOSE_KEYCHECK,
    PURPOSE_STORE,
    SealedFileError,
    open_file,
)
from lila_desktop.services.vault.snapshot import StoreCorrupt, check_store

# Files the app keeps beside the credentials that are not written atomically
# by design (logs, the instance lock) or are our own filler.
_NOT_CHECKED = ("logs", "lila.lock", "filler")
# Folders of SQLite files that hold no credential (checked for integrity only).
NOT_CREDENTIALS = frozenset({"quota", "outbox"})


def _skip(path: Path, data_dir: Path) -> bool:
    rel = path.relative_to(data_dir).parts
    return rel[0] in _NOT_CHECKED


def check_files(data_dir: Path, key: bytes) -> list[str]:
    """Problems with the files under final names (empty list: all good)."""
    problems: list[str] = []
    if not data_dir.exists():
        return problems
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if _skip(path, data_dir) or is_temp_name(path.name):
            continue
        try:
            problems += _check_one(path, data_dir, key)
        except (SealedFileError, StoreCorrupt, ValueError, OSError, sqlite3.Error) as exc:
            problems.append(f"{path.relative_to(data_dir)}: {type(exc).__name__}: {exc}")
    return problems


def _check_one(path: Path, data_dir: Path, key: bytes) -> list[str]:
    name = path.name
    phone = path.parent.name
    if name == "store.sealed":
        _, data = open_file(path, key, phone=phone, purpose=PURPOSE_STORE)
        check_store(data)
    elif name.startswith("creds-"):
        if parse_backup_file_name(name) is None:
            return [f"{name}: not a backup name"]
        _, data = open_file(path, key, phone=phone, purpose=PURPOSE_BACKUP)
        if not check_store(data).has_device:
            return [f"{path.relative_to(data_dir)}: a backup without a device"]
    elif name.startswith(("corrupt-", "reset-")):
        # Set aside: sealed as "aside", or an unreadable sealed file moved as is.
        # The campaign only scribbles live plaintext, so each must still open.
        for purpose in (PURPOSE_ASIDE, PURPOSE_STORE, PURPOSE_BACKUP):
            try:
                open_file(path, key, phone=phone, purpose=purpose)
                break
            except SealedFileError:
                continue
        else:
            return [f"{path.relative_to(data_dir)}: a set-aside file that does not decrypt"]
    elif name == "vault-check":
        open_file(path, key, phone="", purpose=PURPOSE_KEYCHECK)
    elif name in ("sessions.json", "vault-salt", "settings.json") or name.endswith(".json"):
        json.loads(path.read_bytes())
    elif path.parent.name == "history" and name.endswith(".jsonl"):
        return _history_ok(path, data_dir)
    elif name.endswith(".sqlite3"):
        return _sqlite_ok(path)
    elif name.endswith(("-journal", "-wal", "-shm", ".damaged")):
        pass  # SQLite's own journal or WAL beside the ledger and the outbox; a kept-aside list
    else:
        return [f"{path.relative_to(data_dir)}: unexpected file"]
    return []


def _history_ok(path: Path, data_dir: Path) -> list[str]:
    """The session history is an append-only log, not a credential: a kill in the
    middle of an append may tear its last line (the reader skips it), never one
    before it."""
    lines = path.read_bytes().split(b"\n")
    whole = lines[:-1]  # the text after the last newline may be a torn append
    for number, line in enumerate(whole, 1):
        try:
            json.loads(line)
        except ValueError:
            return [f"{path.relative_to(data_dir)}: line {number} is not JSON"]
    return []


def _sqlite_ok(path: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy2(path, copy)
        for suffix in ("-journal", "-wal"):
            journal = path.with_name(path.name + suffix)
            if journal.exists():
                shutil.copy2(journal, copy.with_name(copy.name + suffix))
        conn = sqlite3.connect(copy)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    return [] if result == ["ok"] else [f"{path.name}: {result[:3]}"]


def plaintext_at_rest(data_dir: Path) -> list[Path]:
    """Plain SQLite left after a clean shutdown (the quota ledger and the message
    outbox hold counts and queued texts, not credentials)."""
    return plaintext_files(
        data_dir,
        default_runtime_dir(data_dir.resolve()),
        skip=lambda p: bool(NOT_CREDENTIALS & set(p.parts)) or p.name.startswith("filler"),
    )


def fingerprint(data_dir: Path) -> dict[str, str]:
    """Hashes of every credential-bearing file: 'nothing changed' is comparable."""
    out: dict[str, str] = {}
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if _skip(path, data_dir) or NOT_CREDENTIALS & set(path.parts):
            continue
        out[str(path.relative_to(data_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
