"""SessionVault life cycle: key check, sealing, live copies, shutdown, crash recovery."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from lila_desktop.core.phone import InvalidPhoneNumber
from lila_desktop.services import store_schema
from lila_desktop.services.vault import SessionVault, VaultUnavailable, default_runtime_dir
from lila_desktop.services.vault.sealed import PURPOSE_STORE, open_file
from lila_desktop.services.vault.snapshot import check_store
from tests.unit.services.vault_support import (
    OTHER,
    PHONE,
    FakeClock,
    all_files,
    keystore,
    make_vault,
    plaintext_sqlite_files,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.asyncio
async def test_open_makes_private_folders_and_a_key_check(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    data = tmp_path / "data"
    assert _mode(data / "sessions") == 0o700
    assert _mode(data / "sessions" / "backups") == 0o700
    assert _mode(tmp_path / "run") == 0o700
    assert (data / "vault-check").exists()
    assert (data / "vault-salt").exists()
    await vault.aclose()
    assert not (tmp_path / "run").exists()  # nothing plaintext left behind


@pytest.mark.asyncio
async def test_open_refuses_a_wrong_passphrase_and_changes_nothing(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    await vault.aclose()
    before = {p: p.read_bytes() for p in all_files(tmp_path / "data")}
    wrong = make_vault(tmp_path, passphrase="not the passphrase")
    with pytest.raises(VaultUnavailable, match="LILA_VAULT_PASSPHRASE is not the one"):
        await wrong.open()
    assert {p: p.read_bytes() for p in all_files(tmp_path / "data")} == before


@pytest.mark.asyncio
async def test_open_refuses_to_create_a_new_key_over_sealed_data(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    await vault.aclose()
    (tmp_path / "data" / "vault-salt").unlink()  # the key can no longer be derived
    with pytest.raises(VaultUnavailable, match="missing") as err:
        await make_vault(tmp_path).open()
    assert "will not create a new key" in str(err.value)
    assert not (tmp_path / "data" / "vault-salt").exists()


@pytest.mark.asyncio
async def test_a_lost_key_check_is_rebuilt_only_for_the_right_key(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    await vault.aclose()
    check = tmp_path / "data" / "vault-check"
    check.unlink()
    with pytest.raises(VaultUnavailable):
        await make_vault(tmp_path, passphrase="another passphrase").open()
    assert not check.exists()
    check.write_bytes(b"LILASEAL garbage")  # damaged, not just different
    vault = make_vault(tmp_path)
    await vault.open()
    assert await vault.has_device(PHONE)
    await vault.aclose()


@pytest.mark.asyncio
async def test_keystore_kind_mismatch_is_explained(tmp_path: Path) -> None:
    class OtherKeyring:
        kind = "keyring"
        description = "a test keyring"

        def load_key(self) -> bytes:
            return b"k" * 32

        def create_key(self) -> bytes:
            raise AssertionError("must not create")

    vault = make_vault(tmp_path)
    await vault.open()
    await vault.aclose()
    other = SessionVault(tmp_path / "data", tmp_path / "run", OtherKeyring())
    with pytest.raises(VaultUnavailable, match="sealed with a passphrase"):
        await other.open()


@pytest.mark.asyncio
async def test_live_store_is_sealed_and_comes_back(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    assert live == vault.live_path(PHONE) == tmp_path / "run" / f"{PHONE}.db"
    assert not live.exists()  # no store yet: neonize creates it and shows a QR
    assert await vault.seal(PHONE) is False
    jid = store_schema.make_paired_store(live, PHONE)
    assert await vault.seal(PHONE) is True
    sealed = tmp_path / "data" / "sessions" / PHONE / "store.sealed"
    assert _mode(sealed) == 0o600
    assert b"SQLite format 3" not in sealed.read_bytes()
    await vault.aclose()
    assert not live.exists()
    assert plaintext_sqlite_files(tmp_path) == []

    vault = make_vault(tmp_path)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    assert _mode(live) == 0o600
    assert store_schema.device_jid(live) == jid
    await vault.aclose()


@pytest.mark.asyncio
async def test_sealing_an_unchanged_store_does_not_rewrite_it(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    await vault.seal(PHONE)
    sealed = tmp_path / "data" / "sessions" / PHONE / "store.sealed"
    first = os.stat(sealed)
    await vault.seal_all()
    again = os.stat(sealed)
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    await vault.aclose()


@pytest.mark.asyncio
async def test_aclose_is_idempotent_and_the_vault_refuses_use_after(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    with pytest.raises(RuntimeError, match="open"):
        await vault.prepare_live(PHONE)
    async with vault:
        store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    await vault.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await vault.seal(PHONE)


@pytest.mark.asyncio
async def test_phones_are_validated_before_any_path(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    for bad in ["../../etc", "51902049935/../x", "0051902049935", "", "+"]:
        with pytest.raises(InvalidPhoneNumber):
            await vault.prepare_live(bad)
        with pytest.raises(InvalidPhoneNumber):
            vault.live_path(bad)
    # Forgiving where people are: "+51 902 049 935" is the same number.
    assert vault.live_path("+51 902 049 935") == vault.live_path(PHONE)
    await vault.aclose()


@pytest.mark.asyncio
async def test_crash_recovery_reseals_a_newer_live_copy(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    store_schema.make_paired_store(live, PHONE)
    await vault.seal(PHONE)
    # The engine goes on writing, then the app dies without sealing.
    conn = sqlite3.connect(live)
    conn.execute("INSERT INTO whatsmeow_lid_map VALUES ('1@lid', '2@s.whatsapp.net')")
    conn.commit()
    conn.close()
    leftover = tmp_path / "data" / "sessions" / PHONE / ".store.sealed.0123456789abcdef.tmp"
    leftover.write_bytes(b"half")
    del vault  # no aclose: a crash

    vault = make_vault(tmp_path)
    await vault.open()
    assert not leftover.exists()
    key = keystore(tmp_path / "data").load_key()
    assert key is not None
    _, data = open_file(
        tmp_path / "data" / "sessions" / PHONE / "store.sealed",
        key,
        phone=PHONE,
        purpose=PURPOSE_STORE,
    )
    assert check_store(data).has_device and b"1@lid" in data
    await vault.aclose()


@pytest.mark.asyncio
async def test_crash_recovery_drops_a_stale_live_copy_after_keeping_it(tmp_path: Path) -> None:
    clock = FakeClock()
    vault = make_vault(tmp_path, clock=clock)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    old_jid = store_schema.make_paired_store(live, PHONE)
    await vault.seal(PHONE)
    # A restore wrote a new sealed store, then died before replacing the live copy.
    stale = live.read_bytes()
    store_schema.wipe_device(live)
    new_jid = store_schema.add_device(live, PHONE)
    await vault.seal(PHONE)
    live.write_bytes(stale)
    os.utime(live, ns=(0, 0))
    del vault

    vault = make_vault(tmp_path, clock=clock)
    await vault.open()
    assert not live.exists()
    backups = await vault.list_backups(PHONE)
    assert backups[0].reason == "stale live copy after a crash"
    assert store_schema.device_jid(await vault.prepare_live(PHONE)) == new_jid != old_jid
    await vault.aclose()


@pytest.mark.asyncio
async def test_a_live_store_written_by_another_process_is_copied_consistently(
    tmp_path: Path,
) -> None:
    """The engine (another process) writes while we seal: every sealed copy is whole."""
    vault = make_vault(tmp_path)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    store_schema.make_paired_store(live, PHONE)
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        textwrap.dedent(
            f"""
                import os, sqlite3, time
                conn = sqlite3.connect({str(live)!r}, timeout=5, isolation_level=None)
                end = time.monotonic() + 1.5
                i = 0
                while time.monotonic() < end:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO whatsmeow_lid_map VALUES (?, ?)",
                                 (f"{{i}}@lid", f"{{i}}@s.whatsapp.net"))
                    conn.execute("UPDATE whatsmeow_device SET push_name = ?",
                                 (os.urandom(2000).hex(),))
                    conn.execute("COMMIT")
                    i += 1
                """
        ),
    )
    key = keystore(tmp_path / "data").load_key()
    assert key is not None
    sealed = tmp_path / "data" / "sessions" / PHONE / "store.sealed"
    rounds, seen = 0, set()
    while writer.returncode is None:
        await vault.seal(PHONE)
        _, data = open_file(sealed, key, phone=PHONE, purpose=PURPOSE_STORE)
        assert check_store(data).has_device  # integrity_check passed
        seen.add(data)
        rounds += 1
        await asyncio.sleep(0)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(writer.wait(), 0.001)
    assert writer.returncode == 0
    assert rounds >= 5
    assert len(seen) >= 2, rounds  # the copies really were taken while the writer wrote
    await vault.aclose()


def test_default_runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg))
    a = default_runtime_dir(tmp_path / "a")
    assert a.parent == xdg and a.name.startswith("lila-desktop-")
    assert a == default_runtime_dir(tmp_path / "a")
    assert a != default_runtime_dir(tmp_path / "b")
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    fallback = default_runtime_dir(tmp_path / "a")
    assert fallback.parent == Path(tempfile.gettempdir())
    assert f"-{os.getuid()}-" in fallback.name


@pytest.mark.asyncio
async def test_a_runtime_dir_owned_by_someone_else_is_refused(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.symlink_to(tmp_path)  # e.g. planted in a shared /tmp
    vault = make_vault(tmp_path)
    with pytest.raises(VaultUnavailable, match="not a plain folder"):
        await vault.open()


@pytest.mark.asyncio
async def test_two_sessions_are_independent(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    a = store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    b = store_schema.make_paired_store(await vault.prepare_live(OTHER), OTHER)
    await vault.seal_all()
    assert await vault.list_sessions() == sorted([PHONE, OTHER])
    await vault.aclose()
    vault = make_vault(tmp_path)
    await vault.open()
    assert store_schema.device_jid(await vault.prepare_live(PHONE)) == a
    assert store_schema.device_jid(await vault.prepare_live(OTHER)) == b
    await vault.aclose()


@pytest.mark.asyncio
async def test_no_plaintext_sqlite_anywhere_after_a_clean_shutdown(tmp_path: Path) -> None:
    """Every kind of file the vault writes, then a clean shutdown: no `SQLite format 3\\0`."""
    clock = FakeClock()
    vault = make_vault(tmp_path, clock=clock, keep=2)
    await vault.open()
    for phone in (PHONE, OTHER):
        live = await vault.prepare_live(phone)
        store_schema.make_paired_store(live, phone)
        await vault.backup(phone, "after pairing", connected=True)
        clock.advance()
    await vault.seal_all()
    store_schema.wipe_device(vault.live_path(PHONE))  # logout: sealing keeps a backup
    await vault.seal(PHONE)
    await vault.restore(PHONE)
    store_schema.wipe_device(vault.live_path(OTHER))
    with sqlite3.connect(vault.live_path(OTHER)) as conn:
        conn.execute("INSERT INTO whatsmeow_lid_map VALUES ('9@lid', '9@s.whatsapp.net')")
    conn.close()
    await vault.reset(OTHER, "logged out")  # the wiped remnants are set aside
    await vault.restore(OTHER)
    vault.live_path(OTHER).write_bytes(b"SQLite format 3\x00" + b"\x01" * 3000)
    await vault.quarantine(OTHER, "store_corrupt")  # corrupt live copy set aside
    await vault.export_session(PHONE, tmp_path / "data" / "export.lilasession", "long passphrase")
    await vault.import_session(tmp_path / "data" / "export.lilasession", "long passphrase")
    store_schema.create_store(await vault.prepare_live("5491112345678"))  # a QR never scanned
    kinds = {p.name.split("-")[0] for p in all_files(tmp_path / "data" / "sessions" / "backups")}
    assert kinds == {"creds", "reset", "corrupt"}
    await vault.aclose()
    assert not (tmp_path / "run").exists()
    assert plaintext_sqlite_files(tmp_path) == []
