"""Export a session to one passphrase-protected file; import it on another computer."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from lila_desktop.services import store_schema
from lila_desktop.services.vault import VaultError
from lila_desktop.services.vault.sealed import MAGIC
from tests.unit.services.vault_support import PHONE, FakeClock, make_vault

EXPORT_PASS = "tienda-lila-2026"


async def _exported(tmp_path: Path) -> tuple[Path, str]:
    vault = make_vault(tmp_path / "laptop-a")
    await vault.open()
    jid = store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    dest = tmp_path / "51902049935.lilasession"
    await vault.export_session(PHONE, dest, EXPORT_PASS)
    await vault.aclose()
    return dest, jid


@pytest.mark.asyncio
async def test_export_then_import_on_another_computer(tmp_path: Path) -> None:
    dest, jid = await _exported(tmp_path)
    blob = dest.read_bytes()
    assert blob.startswith(MAGIC) and b"SQLite format 3" not in blob
    assert dest.stat().st_mode & 0o077 == 0
    # Another laptop: another data folder and another key entirely.
    other = make_vault(tmp_path / "laptop-b", passphrase="a different vault key")
    await other.open()
    assert await other.import_session(dest, EXPORT_PASS) == PHONE
    assert store_schema.device_jid(other.live_path(PHONE)) == jid
    assert [b.reason for b in await other.list_backups(PHONE)] == ["imported"]
    await other.aclose()
    again = make_vault(tmp_path / "laptop-b", passphrase="a different vault key")
    await again.open()
    assert store_schema.device_jid(await again.prepare_live(PHONE)) == jid
    await again.aclose()


@pytest.mark.asyncio
async def test_import_refuses_a_wrong_passphrase(tmp_path: Path) -> None:
    dest, _ = await _exported(tmp_path)
    other = make_vault(tmp_path / "laptop-b")
    await other.open()
    with pytest.raises(VaultError, match="passphrase is wrong"):
        await other.import_session(dest, "tienda-lila-2025")
    assert await other.list_sessions() == []
    await other.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize("damage", ["flip", "truncate", "header"])
async def test_import_refuses_a_damaged_file(tmp_path: Path, damage: str) -> None:
    dest, _ = await _exported(tmp_path)
    blob = bytearray(dest.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 0x10
    elif damage == "truncate":
        del blob[len(blob) // 2 :]
    else:  # a file whose KDF parameters were edited to cost gigabytes
        hlen = struct.unpack_from(">I", blob, 9)[0]
        fields = json.loads(blob[13 : 13 + hlen])
        fields["kdf"]["n"] = 2**30
        header = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        blob = bytearray(blob[:9] + struct.pack(">I", len(header)) + header + blob[13 + hlen :])
    dest.write_bytes(bytes(blob))
    other = make_vault(tmp_path / "laptop-b")
    await other.open()
    with pytest.raises(VaultError, match="damaged"):
        await other.import_session(dest, EXPORT_PASS)
    await other.aclose()


@pytest.mark.asyncio
async def test_import_refuses_files_that_are_not_exports(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    info = await vault.backup(PHONE, "x", connected=True)
    assert info is not None
    plain = tmp_path / "store.db"
    store_schema.make_paired_store(plain, PHONE)
    for path in (info.path, plain):  # a backup is not an export; nor is a bare store
        with pytest.raises(VaultError, match="not a Lila Desktop session export"):
            await vault.import_session(path, EXPORT_PASS)
    with pytest.raises(VaultError, match="does not exist"):
        await vault.import_session(tmp_path / "nope.lilasession", EXPORT_PASS)
    with pytest.raises(VaultError, match="is a folder"):
        await vault.import_session(tmp_path, EXPORT_PASS)
    await vault.aclose()


@pytest.mark.asyncio
async def test_import_over_an_existing_session_backs_it_up_first(tmp_path: Path) -> None:
    dest, imported_jid = await _exported(tmp_path)
    clock = FakeClock()
    vault = make_vault(tmp_path / "laptop-b", clock=clock)
    await vault.open()
    existing_jid = store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    clock.advance()
    await vault.import_session(dest, EXPORT_PASS)
    backups = await vault.list_backups(PHONE)
    assert [b.reason for b in backups] == ["imported", "before import"]
    assert store_schema.device_jid(vault.live_path(PHONE)) == imported_jid
    await vault.restore(PHONE, backups[1].timestamp)
    assert store_schema.device_jid(vault.live_path(PHONE)) == existing_jid
    await vault.aclose()


@pytest.mark.asyncio
async def test_export_needs_a_linked_number_and_a_real_passphrase(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    with pytest.raises(VaultError, match="no linked WhatsApp"):
        await vault.export_session(PHONE, tmp_path / "x.lilasession", EXPORT_PASS)
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    with pytest.raises(VaultError, match="at least 8 characters"):
        await vault.export_session(PHONE, tmp_path / "x.lilasession", "short")
    with pytest.raises(VaultError, match="is a folder"):
        await vault.export_session(PHONE, tmp_path, EXPORT_PASS)
    with pytest.raises(VaultError, match="does not exist"):
        await vault.export_session(PHONE, tmp_path / "no" / "x.lilasession", EXPORT_PASS)
    assert not (tmp_path / "x.lilasession").exists()
    await vault.aclose()
