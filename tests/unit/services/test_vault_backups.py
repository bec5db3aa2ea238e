"""Backups: verified, deduplicated, rotated; restore; reset; quarantine of damaged data."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest

from lila_desktop.core.backup_naming import ASIDE_KEEP
from lila_desktop.services import store_schema
from lila_desktop.services.vault import (
    BackupNotFound,
    InvalidTimestamp,
    SessionVault,
    StoreUnreadable,
)
from lila_desktop.services.vault.sealed import (
    PURPOSE_ASIDE,
    PURPOSE_BACKUP,
    PURPOSE_STORE,
    open_file,
    read_file_header,
    seal_bytes,
)
from tests.unit.services.vault_support import (
    PHONE,
    FakeClock,
    all_files,
    keystore,
    make_vault,
)


def _touch(live: Path, n: int) -> None:
    """A change such as whatsmeow makes while connected (a new contact mapping)."""
    with sqlite3.connect(live) as conn:
        conn.execute("INSERT INTO whatsmeow_lid_map VALUES (?, ?)", (f"{n}@lid", f"{n}@s.wa"))
    conn.close()


def _key(tmp: Path) -> bytes:
    key = keystore(tmp / "data").load_key()
    assert key is not None
    return key


async def _paired(tmp: Path, **kw: object) -> tuple[SessionVault, FakeClock, Path, str]:
    clock = FakeClock()
    vault = make_vault(tmp, clock=clock, **kw)  # type: ignore[arg-type]
    await vault.open()
    live = await vault.prepare_live(PHONE)
    jid = store_schema.make_paired_store(live, PHONE)
    return vault, clock, live, jid


def _backup_dir(tmp: Path) -> Path:
    return tmp / "data" / "sessions" / "backups" / PHONE


@pytest.mark.asyncio
async def test_no_backup_without_a_device(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    assert await vault.backup(PHONE, "after pairing", connected=True) is None  # no store
    store_schema.create_store(await vault.prepare_live(PHONE))
    assert await vault.backup(PHONE, "after pairing", connected=True) is None  # not paired
    assert await vault.list_backups(PHONE) == []
    await vault.aclose()


@pytest.mark.asyncio
async def test_backup_is_named_verified_and_deduplicated(tmp_path: Path) -> None:
    vault, clock, live, _ = await _paired(tmp_path)
    info = await vault.backup(PHONE, "after pairing", connected=True)
    assert info is not None
    assert info.timestamp == "2026-01-28T12-30-45-123Z"
    assert info.path == _backup_dir(tmp_path) / "creds-2026-01-28T12-30-45-123Z.lila"
    assert (info.reason, info.connected, info.phone) == ("after pairing", True, PHONE)
    assert info.size == info.path.stat().st_size
    assert b"SQLite format 3" not in info.path.read_bytes()
    clock.advance()
    assert await vault.backup(PHONE, "periodic", connected=True) is None  # unchanged
    await vault.seal(PHONE)
    assert await vault.backup(PHONE, "reconnect", connected=True) is None  # sealing changes nothing
    _touch(live, 1)
    second = await vault.backup(PHONE, "reconnect", connected=True)
    assert second is not None and second.timestamp > info.timestamp
    assert [b.timestamp for b in await vault.list_backups(PHONE)] == [
        second.timestamp,
        info.timestamp,
    ]
    assert await vault.latest_backup(PHONE) == second
    await vault.aclose()


@pytest.mark.asyncio
async def test_backup_from_the_sealed_store_when_not_running(tmp_path: Path) -> None:
    vault, _, _, _ = await _paired(tmp_path)
    await vault.aclose()
    vault = make_vault(tmp_path)
    await vault.open()
    assert await vault.backup(PHONE, "on demand", connected=False) is not None
    await vault.aclose()


@pytest.mark.asyncio
async def test_retention_keeps_newest_and_the_newest_connected(tmp_path: Path) -> None:
    vault, clock, live, _ = await _paired(tmp_path, keep=3)
    connected = await vault.backup(PHONE, "after pairing", connected=True)
    assert connected is not None
    taken = [connected.timestamp]
    for i in range(5):
        clock.advance()
        _touch(live, i)
        info = await vault.backup(PHONE, "periodic", connected=False)
        assert info is not None
        taken.append(info.timestamp)
    kept = [b.timestamp for b in await vault.list_backups(PHONE)]
    assert kept == [taken[5], taken[4], taken[3], connected.timestamp]
    files = sorted(p.name for p in _backup_dir(tmp_path).iterdir())
    assert files == sorted(f"creds-{ts}.lila" for ts in kept)
    await vault.aclose()


@pytest.mark.asyncio
async def test_two_backups_in_the_same_millisecond_get_distinct_names(tmp_path: Path) -> None:
    vault, _, live, _ = await _paired(tmp_path)  # the fake clock does not move
    first = await vault.backup(PHONE, "a", connected=True)
    _touch(live, 1)
    second = await vault.backup(PHONE, "b", connected=True)
    assert first is not None and second is not None
    assert second.timestamp == "2026-01-28T12-30-45-124Z"
    await vault.aclose()


@pytest.mark.asyncio
async def test_restore_latest_and_by_timestamp(tmp_path: Path) -> None:
    vault, clock, live, jid = await _paired(tmp_path)
    first = await vault.backup(PHONE, "after pairing", connected=True)
    clock.advance()
    _touch(live, 1)
    second = await vault.backup(PHONE, "reconnect", connected=True)
    assert first is not None and second is not None
    # Logged out: whatsmeow deletes its own device rows.
    store_schema.wipe_device(live)
    assert not await vault.has_device(PHONE)
    clock.advance()
    restored = await vault.restore(PHONE)
    assert restored == second
    assert store_schema.device_jid(live) == jid
    assert await vault.has_device(PHONE)
    # The restored state is also the sealed store (survives a restart).
    _, data = open_file(
        tmp_path / "data" / "sessions" / PHONE / "store.sealed",
        _key(tmp_path),
        phone=PHONE,
        purpose=PURPOSE_STORE,
    )
    assert b"1@lid" in data
    clock.advance()
    assert await vault.restore(PHONE, first.timestamp) == first
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT count(*) FROM whatsmeow_lid_map").fetchone() == (0,)
    conn.close()
    await vault.aclose()


@pytest.mark.asyncio
async def test_restore_backs_up_the_current_state_first(tmp_path: Path) -> None:
    vault, clock, live, _ = await _paired(tmp_path)
    first = await vault.backup(PHONE, "after pairing", connected=True)
    assert first is not None
    clock.advance()
    _touch(live, 7)  # newer than any backup
    await vault.restore(PHONE, first.timestamp)
    reasons = [b.reason for b in await vault.list_backups(PHONE)]
    assert reasons == ["before restore", "after pairing"]
    await vault.aclose()


@pytest.mark.asyncio
async def test_restoring_the_oldest_backup_never_rotates_it_away(tmp_path: Path) -> None:
    vault, clock, live, _ = await _paired(tmp_path, keep=2)
    oldest = await vault.backup(PHONE, "a", connected=False)
    clock.advance()
    _touch(live, 1)
    await vault.backup(PHONE, "b", connected=False)
    clock.advance()
    _touch(live, 2)  # the "before restore" backup will make three
    assert oldest is not None
    assert await vault.restore(PHONE, oldest.timestamp) == oldest
    assert oldest.path.exists()
    await vault.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "bad",
    [
        "../../../etc/passwd",
        "2026-01-28T12-30-45-123Z/../../../x",
        "/tmp/creds-2026-01-28T12-30-45-123Z.lila",
        "2026-01-28T12-30-45-123Z\n",
        "2026-02-30T12-30-45-123Z",
        "",
    ],
)
async def test_restore_refuses_malformed_timestamps(tmp_path: Path, bad: str) -> None:
    vault, _, _, _ = await _paired(tmp_path)
    await vault.backup(PHONE, "after pairing", connected=True)
    before = sorted(all_files(tmp_path))
    with pytest.raises(InvalidTimestamp, match="2026-01-28T12-30-45-123Z"):
        await vault.restore(PHONE, bad)
    assert sorted(all_files(tmp_path)) == before
    await vault.aclose()


@pytest.mark.asyncio
async def test_restore_of_a_missing_backup_is_a_clear_error(tmp_path: Path) -> None:
    vault, _, _, _ = await _paired(tmp_path)
    with pytest.raises(BackupNotFound, match="no backup"):
        await vault.restore(PHONE)
    info = await vault.backup(PHONE, "after pairing", connected=True)
    assert info is not None
    with pytest.raises(BackupNotFound, match=f"Available: {info.timestamp}"):
        await vault.restore(PHONE, "2025-01-01T00-00-00-000Z")
    await vault.aclose()


def _flip_last_byte(path: Path) -> bytes:
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0xFF
    path.write_bytes(bytes(blob))
    return bytes(blob)


@pytest.mark.asyncio
async def test_a_damaged_sealed_store_is_moved_aside_never_deleted(tmp_path: Path) -> None:
    vault, clock, _, _ = await _paired(tmp_path)
    good = await vault.backup(PHONE, "after pairing", connected=True)
    await vault.aclose()
    sealed = tmp_path / "data" / "sessions" / PHONE / "store.sealed"
    damaged = _flip_last_byte(sealed)

    vault = make_vault(tmp_path, clock=clock)
    await vault.open()
    with pytest.raises(StoreUnreadable) as err:
        await vault.prepare_live(PHONE)
    moved = err.value.quarantined_to
    assert moved.parent == _backup_dir(tmp_path)
    assert moved.name.startswith("corrupt-") and "undecryptable-store" in moved.name
    assert moved.read_bytes() == damaged  # as it was, byte for byte
    assert err.value.latest_backup == good
    message = str(err.value)
    assert "nothing was deleted" in message and good is not None and good.timestamp in message
    assert not sealed.exists()
    # The session starts over (QR) unless the owner restores.
    assert not (await vault.prepare_live(PHONE)).exists()
    assert [b.timestamp for b in await vault.list_backups(PHONE)] == [good.timestamp]
    await vault.restore(PHONE)
    assert await vault.has_device(PHONE)
    await vault.aclose()


@pytest.mark.asyncio
async def test_a_truncated_sealed_store_is_reported(tmp_path: Path) -> None:
    vault, clock, _, _ = await _paired(tmp_path)
    await vault.aclose()
    sealed = tmp_path / "data" / "sessions" / PHONE / "store.sealed"
    sealed.write_bytes(sealed.read_bytes()[:1000])
    vault = make_vault(tmp_path, clock=clock)
    await vault.open()
    with pytest.raises(StoreUnreadable, match="truncated") as err:
        await vault.prepare_live(PHONE)
    assert err.value.latest_backup is None
    assert "link the number again" in str(err.value)
    await vault.aclose()


@pytest.mark.asyncio
async def test_a_sealed_store_with_sqlite_corruption_is_moved_aside(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    await vault.open()
    await vault.aclose()
    garbage = b"SQLite format 3\x00" + os.urandom(4096)
    sealed = tmp_path / "data" / "sessions" / PHONE / "store.sealed"
    sealed.parent.mkdir(parents=True)
    sealed.write_bytes(seal_bytes(garbage, _key(tmp_path), phone=PHONE, purpose=PURPOSE_STORE))
    vault = make_vault(tmp_path)
    await vault.open()
    with pytest.raises(StoreUnreadable, match="corrupt store") as err:
        await vault.prepare_live(PHONE)
    assert err.value.quarantined_to.exists()
    await vault.aclose()


@pytest.mark.asyncio
async def test_files_set_aside_are_bounded_newest_kept(tmp_path: Path) -> None:
    """A number that keeps failing must not fill the disk with what is set aside:
    resets of stores with data but no device, through the vault's own reset."""
    vault, clock, _, _ = await _paired(tmp_path)
    for i in range(ASIDE_KEEP + 4):
        live = await vault.prepare_live(PHONE)
        live.unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(live)) as conn, conn:
            conn.execute("CREATE TABLE whatsmeow_lid_map (lid TEXT, pn TEXT)")
            conn.execute("INSERT INTO whatsmeow_lid_map VALUES (?, 'x')", (f"{i}@lid",))
        clock.advance(1.0)
        await vault.reset(PHONE, f"logged out {i}")
    reset = sorted(n for n in os.listdir(_backup_dir(tmp_path)) if n.startswith("reset-"))
    assert len(reset) == ASIDE_KEEP
    assert reset[0].endswith("logged-out-4.lila") and reset[-1].endswith(
        f"logged-out-{ASIDE_KEEP + 3}.lila"
    )
    await vault.aclose()


@pytest.mark.asyncio
async def test_a_corrupt_live_store_is_sealed_aside(tmp_path: Path) -> None:
    vault, _, live, _ = await _paired(tmp_path)
    await vault.seal(PHONE)
    garbage = b"SQLite format 3\x00" + b"\x07" * 8000
    live.write_bytes(garbage)
    with pytest.raises(StoreUnreadable, match="corrupt live store") as err:
        await vault.seal(PHONE)
    aside = err.value.quarantined_to
    assert not live.exists()
    assert b"\x07" * 100 not in aside.read_bytes()  # sealed, not copied in plaintext
    header, data = open_file(aside, _key(tmp_path), phone=PHONE, purpose=PURPOSE_ASIDE)
    assert data == garbage and header.meta["origin"] == "live"
    # The last good sealed store is untouched.
    assert await vault.has_device(PHONE)
    await vault.aclose()


@pytest.mark.asyncio
async def test_a_damaged_backup_is_set_aside_and_an_older_one_used(tmp_path: Path) -> None:
    vault, clock, live, jid = await _paired(tmp_path)
    older = await vault.backup(PHONE, "a", connected=True)
    clock.advance()
    _touch(live, 1)
    newer = await vault.backup(PHONE, "b", connected=True)
    assert older is not None and newer is not None
    _flip_last_byte(newer.path)
    store_schema.wipe_device(live)
    with pytest.raises(StoreUnreadable) as err:
        await vault.restore(PHONE, newer.timestamp)
    assert err.value.quarantined_to.name.startswith("corrupt-")
    assert err.value.latest_backup == older
    assert await vault.restore(PHONE) == older
    assert store_schema.device_jid(live) == jid
    await vault.aclose()


@pytest.mark.asyncio
async def test_quarantine_on_request(tmp_path: Path) -> None:
    vault, _, live, _ = await _paired(tmp_path)
    await vault.seal(PHONE)
    moved = await vault.quarantine(PHONE, "engine reported store_corrupt")
    assert moved.name.startswith("corrupt-") and "engine-reported-store-corrupt" in moved.name
    assert not live.exists()
    assert not (tmp_path / "data" / "sessions" / PHONE / "store.sealed").exists()
    names = sorted(p.name for p in _backup_dir(tmp_path).iterdir())
    assert len(names) == 2  # the live copy (sealed) and the sealed store, both kept
    assert await vault.quarantine(PHONE, "again") == _backup_dir(tmp_path)  # nothing left
    await vault.aclose()


@pytest.mark.asyncio
async def test_quarantine_keeps_a_good_older_sealed_store_restorable(tmp_path: Path) -> None:
    vault, _, live, jid = await _paired(tmp_path)
    await vault.seal(PHONE)  # good, with the device; no backup yet
    live.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)  # then the live copy broke
    moved = await vault.quarantine(PHONE, "store_corrupt")
    assert moved.name.startswith("corrupt-")
    backups = await vault.list_backups(PHONE)
    assert [b.reason for b in backups] == ["before quarantine: store_corrupt"]
    assert not (tmp_path / "data" / "sessions" / PHONE / "store.sealed").exists()
    await vault.restore(PHONE)
    assert store_schema.device_jid(live) == jid
    await vault.aclose()


@pytest.mark.asyncio
async def test_logout_wipe_is_caught_by_sealing(tmp_path: Path) -> None:
    """Hazard 8: whatsmeow wipes the device; sealing must not lose the last copy of it."""
    vault, _, live, jid = await _paired(tmp_path)
    await vault.seal(PHONE)  # sealed with the device, no backup taken yet
    store_schema.wipe_device(live)
    await vault.seal(PHONE)
    backups = await vault.list_backups(PHONE)
    assert [b.reason for b in backups] == ["before the device was removed"]
    await vault.restore(PHONE)
    assert store_schema.device_jid(live) == jid
    await vault.aclose()


@pytest.mark.asyncio
async def test_reset_keeps_everything_then_leaves_no_store(tmp_path: Path) -> None:
    vault, clock, live, _ = await _paired(tmp_path)
    await vault.seal(PHONE)  # the sealed store holds the device
    clock.advance()
    store_schema.wipe_device(live)  # the live one was wiped by whatsmeow, but holds data
    _touch(live, 1)
    await vault.reset(PHONE, "logged out 401")
    assert not live.exists()
    assert not (tmp_path / "data" / "sessions" / PHONE / "store.sealed").exists()
    names = sorted(p.name for p in _backup_dir(tmp_path).iterdir())
    assert len(names) == 2
    assert names[0].startswith("creds-") and names[1].startswith("reset-")
    assert "logged-out-401" in names[1]
    backups = await vault.list_backups(PHONE)
    assert [b.reason for b in backups] == ["before reset: logged out 401"]
    assert not (await vault.prepare_live(PHONE)).exists()  # next connect shows a QR
    assert not await vault.has_device(PHONE)
    await vault.restore(PHONE)
    assert await vault.has_device(PHONE)
    await vault.aclose()


@pytest.mark.asyncio
async def test_reset_of_an_already_backed_up_store_adds_nothing(tmp_path: Path) -> None:
    vault, _, _, _ = await _paired(tmp_path)
    await vault.backup(PHONE, "after pairing", connected=True)
    await vault.seal(PHONE)
    await vault.reset(PHONE, "user logout")
    assert len(list(_backup_dir(tmp_path).iterdir())) == 1
    await vault.aclose()


@pytest.mark.asyncio
async def test_remove_keeps_or_deletes_backups(tmp_path: Path) -> None:
    vault, _, live, _ = await _paired(tmp_path)
    await vault.remove(PHONE, delete_backups=False)
    assert not live.exists()
    assert not (tmp_path / "data" / "sessions" / PHONE).exists()
    backups = await vault.list_backups(PHONE)
    assert [b.reason for b in backups] == ["before removal"]
    assert await vault.list_sessions() == []
    await vault.restore(PHONE)  # a removed number can come back
    assert await vault.has_device(PHONE)
    await vault.remove(PHONE, delete_backups=True)
    assert not _backup_dir(tmp_path).exists()
    await vault.aclose()


@pytest.mark.asyncio
async def test_files_that_only_look_like_backups_are_ignored(tmp_path: Path) -> None:
    vault, _, _, _ = await _paired(tmp_path)
    info = await vault.backup(PHONE, "after pairing", connected=True)
    assert info is not None
    folder = _backup_dir(tmp_path)
    (folder / ".creds-2030-01-01T00-00-00-000Z.lila.0123456789abcdef.tmp").write_bytes(b"x")
    (folder / "creds-2030-01-01T00-00-00-000Z.lila").write_bytes(b"not sealed")
    renamed = folder / "creds-2031-01-01T00-00-00-000Z.lila"
    renamed.write_bytes(info.path.read_bytes())  # a real backup under another timestamp
    # A well-formed backup outside the folder, reached through a symlink: ignored.
    header, data = open_file(info.path, _key(tmp_path), phone=PHONE, purpose=PURPOSE_BACKUP)
    meta = dict(header.meta, timestamp="2032-01-01T00-00-00-000Z")
    outside = tmp_path / "outside.lila"
    outside.write_bytes(
        seal_bytes(data, _key(tmp_path), phone=PHONE, purpose=PURPOSE_BACKUP, meta=meta)
    )
    (folder / "creds-2032-01-01T00-00-00-000Z.lila").symlink_to(outside)
    assert [b.timestamp for b in await vault.list_backups(PHONE)] == [info.timestamp]
    assert read_file_header(renamed).meta["timestamp"] == info.timestamp
    await vault.aclose()
