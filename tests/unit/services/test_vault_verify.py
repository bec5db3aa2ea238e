"""A backup's read-back verification, now by comparison with what was sealed.

The speed-up checks the store's SQLite integrity once (on the live file, in
the read transaction that copies it) and verifies the written file by
comparing it, byte for byte, with the sealed bytes (which carry the GCM tag of
the checked plaintext) instead of decrypting and checking it again. These
tests make sure that what it dropped was redundant: a file that differs from
what was sealed, anywhere, even by its length, still never gets a backup's
name; a damaged store is still refused; the copy is still taken under the
store's lock.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from lila_desktop.services import store_schema
from lila_desktop.services.vault import SessionVault, VaultError
from lila_desktop.services.vault import backups as backups_module
from lila_desktop.services.vault import snapshot as snapshot_module
from lila_desktop.services.vault.snapshot import (
    CheckedBytes,
    StoreCorrupt,
    check_store,
    checked,
    snapshot_checked,
    snapshot_store,
)
from tests.unit.services.vault_support import PHONE, FakeClock, make_vault


async def _paired(tmp: Path) -> tuple[SessionVault, Path]:
    vault = make_vault(tmp, clock=FakeClock())
    await vault.open()
    live = await vault.prepare_live(PHONE)
    store_schema.make_paired_store(live, PHONE)
    return vault, live


def _scribble_over_the_device_table(live: Path) -> None:
    with sqlite3.connect(live) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'whatsmeow_device'"
        ).fetchone()[0]
    conn.close()
    with open(live, "r+b") as f:
        f.seek((root - 1) * page + 8)
        f.write(b"\xff" * 64)


def _backup_dir(tmp: Path) -> Path:
    return tmp / "data" / "sessions" / "backups" / PHONE


@pytest.mark.asyncio
@pytest.mark.parametrize("where", ["header", "nonce", "ciphertext", "tag", "cut", "extra"])
async def test_a_backup_altered_on_its_way_to_disk_never_gets_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault, _ = await _paired(tmp_path)
    real_write_temp = backups_module.write_temp

    def failing_disk(path: Path, data: bytes) -> Path:
        """The bytes that reach the file are not the ones written: one bit flips."""
        tmp = real_write_temp(path, data)
        blob = bytearray(tmp.read_bytes())
        if where in ("cut", "extra"):  # a short write, or a stray byte after the tag
            tmp.write_bytes(bytes(blob[:-1] if where == "cut" else blob + b"\x00"))
            return tmp
        hlen = int.from_bytes(blob[9:13], "big")
        offset = {
            "header": 13 + hlen // 2,
            "nonce": 13 + hlen + 3,
            "ciphertext": len(blob) // 2,
            "tag": len(blob) - 1,
        }[where]
        blob[offset] ^= 0x04
        tmp.write_bytes(bytes(blob))
        return tmp

    monkeypatch.setattr(backups_module, "write_temp", failing_disk)
    with pytest.raises(VaultError, match="failed its check after writing"):
        await vault.backup(PHONE, "manual", connected=True)
    assert await vault.list_backups(PHONE) == []
    leftovers = os.listdir(_backup_dir(tmp_path)) if _backup_dir(tmp_path).exists() else []
    assert leftovers == [], "no temp file and no backup stays behind"

    monkeypatch.setattr(backups_module, "write_temp", real_write_temp)
    info = await vault.backup(PHONE, "manual", connected=True)  # a healthy disk again
    assert info is not None and (await vault.list_backups(PHONE))[0].timestamp == info.timestamp
    await vault.aclose()


@pytest.mark.asyncio
async def test_a_damaged_live_store_is_still_refused_by_the_one_check(tmp_path: Path) -> None:
    vault, live = await _paired(tmp_path)
    _scribble_over_the_device_table(live)
    with pytest.raises(Exception) as err:
        await vault.backup(PHONE, "manual", connected=True)
    assert "corrupt" in str(err.value).lower() or "damaged" in str(err.value).lower()
    assert await vault.list_backups(PHONE) == []
    await vault.aclose()


def test_only_checked_bytes_skip_the_check(tmp_path: Path) -> None:
    store_schema.make_paired_store(tmp_path / "s.db", PHONE)
    data = (tmp_path / "s.db").read_bytes()
    ok = checked(data)
    assert isinstance(ok, CheckedBytes) and ok == data and ok.check.has_device
    assert checked(ok) is ok
    bad = data[:4096] + b"\x00" * 64 + data[4096 + 64 :]
    with pytest.raises(StoreCorrupt):
        check_store(bad)  # plain bytes are always checked
    with pytest.raises(StoreCorrupt):
        checked(bad)


def test_the_live_copy_is_read_while_the_store_is_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read inside the read transaction: a writer cannot commit
    meanwhile, and the bytes are the state before its change."""
    live = tmp_path / "s.db"
    store_schema.make_paired_store(live, PHONE)
    before = live.read_bytes()
    real_read = os.read
    refused: list[str] = []

    def read_then_try_to_commit(fd: int, size: int) -> bytes:
        data = real_read(fd, size)
        writer = sqlite3.connect(live, timeout=0)
        try:
            writer.execute("UPDATE whatsmeow_device SET push_name = 'changed'")
            writer.commit()
        except sqlite3.OperationalError as exc:
            refused.append(str(exc))
        finally:
            writer.close()
        return data

    monkeypatch.setattr(snapshot_module.os, "read", read_then_try_to_commit)
    data = snapshot_checked(live)
    monkeypatch.setattr(snapshot_module.os, "read", real_read)
    assert refused and "locked" in refused[0], "the read ran outside the store's lock"
    assert bytes(data) == before and data.check.has_device
    assert isinstance(data, CheckedBytes) and check_store(bytes(data)) == data.check


def test_a_store_in_wal_mode_is_copied_with_its_log(tmp_path: Path) -> None:
    """Rows still in the write-ahead log are not in the main file: copied by SQLite."""
    live = tmp_path / "s.db"
    store_schema.make_paired_store(live, PHONE)
    keeper = sqlite3.connect(live)  # kept open: no checkpoint on close
    keeper.execute("PRAGMA journal_mode = WAL")
    keeper.execute("UPDATE whatsmeow_device SET push_name = 'in the log'")
    keeper.commit()
    try:
        data = snapshot_store(live)
    finally:
        keeper.close()
    copy = tmp_path / "copy.db"
    copy.write_bytes(data)
    with sqlite3.connect(copy) as conn:
        row = conn.execute("SELECT push_name FROM whatsmeow_device").fetchone()
    conn.close()
    assert row == ("in the log",)
