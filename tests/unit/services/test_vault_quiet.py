"""The vault skips re-reading a live store only when no write can have been missed."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from lila_desktop.services import store_schema
from lila_desktop.services.vault import operations
from lila_desktop.services.vault.quiet import SETTLE_NS, QuietStores, stamp_of
from tests.unit.services.vault_support import PHONE, FakeClock, make_vault


def _age(path: Path, seconds: float = 5.0) -> None:
    """Make the last write look older than a check that starts now."""
    past = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(past, past))


def test_a_fresh_stamp_is_not_trusted(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    store.write_bytes(b"x" * 10)
    quiet = QuietStores()
    quiet.remember(PHONE, "sealed", quiet.begin(store, []))  # mtime = just now
    assert not quiet.unchanged(PHONE, "sealed", store, [])


def test_an_old_stamp_is_trusted_until_the_file_changes(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    store.write_bytes(b"x" * 10)
    _age(store)
    quiet = QuietStores()
    quiet.remember(PHONE, "sealed", quiet.begin(store, []))
    assert quiet.unchanged(PHONE, "sealed", store, [])
    journal = tmp_path / "s.db-journal"
    journal.write_bytes(b"")
    assert not quiet.unchanged(PHONE, "sealed", store, [journal]), "a transaction in flight"
    journal.unlink()
    with open(store, "r+b") as fh:  # same size, new content, new mtime
        fh.write(b"y")
    assert not quiet.unchanged(PHONE, "sealed", store, [])
    quiet.forget(PHONE)
    assert stamp_of(tmp_path / "missing.db", []) is None


def test_settle_margin_is_far_above_mtime_granularity() -> None:
    assert SETTLE_NS >= 100_000_000


@pytest.mark.asyncio
async def test_a_write_after_a_skipped_check_is_always_backed_up(tmp_path: Path) -> None:
    clock = FakeClock()
    vault = make_vault(tmp_path, clock=clock)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    store_schema.make_paired_store(live, PHONE)
    _age(live)
    assert await vault.backup(PHONE, "connected", connected=True) is not None
    clock.advance()
    assert await vault.backup(PHONE, "connected", connected=True) is None  # unchanged: skipped
    # whatsmeow writes (a new contact): the next reconnect backup must see it.
    with sqlite3.connect(live) as conn:
        conn.execute("INSERT INTO whatsmeow_lid_map VALUES (?, ?)", ("1@lid", "1@s.whatsapp.net"))
    clock.advance()
    assert await vault.backup(PHONE, "connected", connected=True) is not None
    await vault.aclose()


@pytest.mark.asyncio
async def test_has_device_reads_an_unchanged_store_once_and_sees_a_logout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked before every dial: an unchanged live store keeps its answer; whatsmeow
    deleting the device (logout, hazard 8) is a write, so the answer follows it."""
    vault = make_vault(tmp_path, clock=FakeClock())
    await vault.open()
    live = await vault.prepare_live(PHONE)
    store_schema.make_paired_store(live, PHONE)
    _age(live)
    reads: list[Path] = []
    real = operations.snapshot_checked

    def counting(path: Path) -> bytes:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(operations, "snapshot_checked", counting)
    assert await vault.has_device(PHONE) and await vault.has_device(PHONE)
    assert len(reads) == 1, "the unchanged store was read again"
    with sqlite3.connect(live) as conn:
        conn.execute("DELETE FROM whatsmeow_device")
    conn.close()
    assert not await vault.has_device(PHONE)
    _age(live)
    assert not await vault.has_device(PHONE)  # re-read once, now remembered as "no device"
    assert not await vault.has_device(PHONE)
    assert len(reads) == 3
    await vault.aclose()
