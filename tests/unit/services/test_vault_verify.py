"""A backup's read-back verification, now by its GCM tag and one plaintext check.

The speed-up checks the store's SQLite integrity once and verifies the
written file by its authentication tag (plus a byte comparison) instead of
decrypting and checking it twice more. These tests make sure that what it
dropped was redundant: a file that differs from what was sealed, anywhere,
still never gets a backup's name, and a damaged store is still refused.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from lila_desktop.services import store_schema
from lila_desktop.services.vault import SessionVault, VaultError
from lila_desktop.services.vault import backups as backups_module
from lila_desktop.services.vault.snapshot import CheckedBytes, StoreCorrupt, check_store, checked
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
@pytest.mark.parametrize("where", ["header", "nonce", "ciphertext", "tag"])
async def test_a_backup_altered_on_its_way_to_disk_never_gets_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault, _ = await _paired(tmp_path)
    real_write_temp = backups_module.write_temp

    def failing_disk(path: Path, data: bytes) -> Path:
        """The bytes that reach the file are not the ones written: one bit flips."""
        tmp = real_write_temp(path, data)
        blob = bytearray(tmp.read_bytes())
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
