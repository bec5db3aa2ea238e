"""A backup that fails is a visible state, retried with backoff and cleared by a
success (issue 13, finding 4): a full disk, a backups folder replaced by a
link, and a far-future file in the backups folder that used to break every
later backup ("year 10000 is out of range")."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from lila_desktop.core.messages import Code
from lila_desktop.services import backup_state
from lila_desktop.services.backup_state import BackupFailed
from tests.conftest import MemoryKeyStore, PoolHarness, build_test_pool
from tests.e2e.small_disk import fill, small_disk
from tests.unit.services.api_support import PHONE, Api, api, assert_error

__all__ = ["api"]
pytestmark = pytest.mark.asyncio

FAR_FUTURE = "creds-9999-12-31T23-59-59-999Z.lila"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # The product waits a minute before the first retry; the test, 50 ms.
    monkeypatch.setattr(backup_state, "RETRY_FIRST", 0.05)


def _churn(store: Path, n: int) -> None:
    """Change the live store as WhatsApp does while connected: a backup has work."""
    with contextlib.closing(sqlite3.connect(store, timeout=5)) as db, db:
        db.execute("INSERT OR REPLACE INTO whatsmeow_lid_map VALUES (?, ?)", (f"{n}@lid", "x"))


async def test_a_linked_backups_folder_shows_and_clears(
    api: Api, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await api.linked()
    harness = api.harness
    folder = harness.data_dir / "sessions" / "backups" / PHONE
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    _churn(api.pool.vault.live_path(PHONE), 1)
    before = len(list(elsewhere.iterdir()))

    caplog.set_level(logging.INFO, "lila_desktop.services.backup_state")
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/backups")
    assert_error(status, data, 409, "VAULT_ERROR")
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/status")
    state = data["data"]
    assert state["status"] == "connected"
    assert state["needsAction"] is True
    assert "link" in state["backupError"]
    assert "backup_failing" in [n.kind.value for n in harness.notices]
    # Retried with growing delays while the link is there; nothing written through it.
    await _wait_failures(caplog, 3)
    delays = [r.retry_in for r in caplog.records if getattr(r, "event", "") == "backup_failed"]
    assert delays[:3] == sorted(delays[:3]) and delays[0] < delays[2], delays
    assert len(list(elsewhere.iterdir())) == before

    folder.unlink()
    shutil.move(elsewhere, folder)
    snap = await harness.wait(PHONE, lambda s: s.backup_error is None, timeout=10)
    assert snap.last_backup_at is not None
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/status")
    assert data["data"]["needsAction"] is False and data["data"]["backupError"] is None
    assert len([n for n in harness.notices if n.kind.value == "backup_failing"]) == 1


async def _wait_failures(caplog: pytest.LogCaptureFixture, count: int) -> None:
    for _ in range(500):
        if sum(getattr(r, "event", "") == "backup_failed" for r in caplog.records) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the failed backup was not retried")


async def test_a_far_future_file_does_not_break_backups(api: Api) -> None:
    folder = api.harness.data_dir / "sessions" / "backups" / PHONE
    folder.mkdir(parents=True, mode=0o700)
    planted = folder / FAR_FUTURE
    planted.write_bytes(b"not a backup at all")
    await api.linked()  # its first backup is written beside the planted file
    _churn(api.pool.vault.live_path(PHONE), 2)
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/backups")
    assert status in (200, 201), data
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    stamps = [b["timestamp"] for b in data["data"]["backups"]]
    assert stamps and all(s.startswith("20") for s in stamps), stamps  # now, not after 9999
    assert planted.read_bytes() == b"not a backup at all"  # never replaced nor deleted
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/status")
    assert data["data"]["backupError"] is None


@pytest_asyncio.fixture
async def small_disk_pool(tmp_path: Path, keystore: MemoryKeyStore) -> AsyncIterator[PoolHarness]:
    data = tmp_path / "data"
    with small_disk(data, "2m"):
        pool = build_test_pool(data, tmp_path / "run", keystore)
        await pool.start()
        try:
            yield PoolHarness(pool, data, tmp_path / "run")
        finally:
            await asyncio.wait_for(pool.aclose(), 30)


async def test_a_full_disk_shows_and_clears(small_disk_pool: PoolHarness) -> None:
    harness = small_disk_pool
    await harness.link(PHONE)
    fill(harness.data_dir)
    _churn(harness.pool.vault.live_path(PHONE), 3)
    with pytest.raises(BackupFailed) as failed:
        await harness.pool.backup_now(PHONE)
    assert isinstance(failed.value.__cause__, OSError)
    snap = harness.pool.snapshot(PHONE)
    assert snap.is_connected and snap.backup_error is not None
    assert "disk is full" in snap.backup_error
    assert "backup_failing" in [n.kind.value for n in harness.notices]
    (harness.data_dir / "filler").unlink()
    snap = await harness.wait(PHONE, lambda s: s.backup_error is None, timeout=10)
    backups = await harness.pool.list_backups(PHONE)
    assert backups and backups[0].created_at == snap.last_backup_at


async def test_moved_aside_is_said_only_when_the_move_happened(api: Api, tmp_path: Path) -> None:
    await api.linked()
    folder = api.harness.data_dir / "sessions" / "backups" / PHONE
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)
    status, _ = await api.call(
        "POST", f"/api/sessions/{PHONE}/simulate", json={"event": "corrupt_store"}
    )
    assert status == 200
    snap = await api.harness.wait(
        PHONE,
        lambda s: (
            s.status.value == "failed"
            and s.message is not None
            and s.message.code is Code.STORE_NOT_MOVED
        ),
    )
    assert "link" in str(snap.message.get("reason") if snap.message else "")
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/status")
    said = data["data"]["message"]
    assert "could not be moved aside" in said and "nothing was deleted" in said, said
    assert "moved aside, not deleted" not in said
    # The unreadable store is still where it was: nothing was deleted.
    assert api.pool.vault.live_path(PHONE).exists()
