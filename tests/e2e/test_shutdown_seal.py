"""Shutdown seals every number it can (issue 13, finding 1).

A seal that fails at shutdown (a full disk, a number's folder replaced by a
link) must not stop the numbers after it from being sealed, must be logged
with its reason, and must not turn a SIGTERM into a traceback. What was
sealed leaves no plaintext behind; what was not is sealed at the next start.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from bench.harness.app_process import PASSPHRASE, SQLITE_MAGIC, AppProcess
from lila_desktop.services.vault import PassphraseKeyStore, default_runtime_dir
from tests.chaos import invariants
from tests.e2e.small_disk import fill, small_disk

pytestmark = pytest.mark.e2e

A, B, C = "51911000001", "51911000002", "51911000003"


def _live(data_dir: Path, phone: str) -> Path:
    return default_runtime_dir(data_dir.resolve()) / f"{phone}.db"


def _churn(data_dir: Path, phone: str, n: int) -> None:
    """Write to a live store as whatsmeow does while connected: the next seal has work."""
    with contextlib.closing(sqlite3.connect(_live(data_dir, phone), timeout=5)) as conn, conn:
        conn.execute("INSERT OR REPLACE INTO whatsmeow_lid_map VALUES (?, ?)", (f"{n}@lid", "x"))


def _plain(path: Path) -> bool:
    """A plaintext SQLite file (checked by content, not by name)."""
    return path.is_file() and path.read_bytes()[:16] == SQLITE_MAGIC


def _seal_failures(app: AppProcess) -> dict[str, str]:
    return {ln["phone"]: ln["msg"] for ln in app.lines if ln.get("event") == "seal_failed"}


@pytest.mark.timeout(120)
def test_full_disk_at_shutdown_seals_the_others_and_exits_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with small_disk(data, "2m"):
        first = AppProcess(data)
        try:
            first.wait_ready(60)
            for phone in (A, B, C):
                first.link(phone)
            assert first.terminate(60) == 0  # all three sealed
        finally:
            first.close()
        app = AppProcess(data)
        try:
            app.wait_ready(60)
            for phone in (A, B, C):
                app.poll(phone, lambda s: s["status"] == "connected")
            fill(data)
            _churn(data, A, 1)  # A and C have unsealed changes; B is sealed as is
            _churn(data, C, 2)
            assert app.terminate(60) == 0
        finally:
            app.close()
        failed = _seal_failures(app)
        assert set(failed) == {A, C}, failed
        assert all("disk is full" in msg for msg in failed.values()), failed
        assert app.unhandled() == []
        assert not _live(data, B).exists()  # sealed: its plaintext is gone
        assert _plain(_live(data, A)) and _plain(_live(data, C))  # kept for the next start

        (data / "filler").unlink()
        again = AppProcess(data)
        try:
            again.wait_ready(60)
            assert again.terminate(60) == 0
        finally:
            again.close()
        assert again.unhandled() == []
        assert _seal_failures(again) == {}
        key = PassphraseKeyStore(data, PASSPHRASE).load_key()
        assert key is not None
        # Every credential file verifies (other files are the chaos invariants' business).
        problems = invariants.check_files(data, key)
        assert [p for p in problems if p.startswith(("sessions", "vault"))] == [], problems
        assert not any(_plain(_live(data, p)) for p in (A, B, C))


@pytest.mark.timeout(120)
def test_a_linked_number_folder_is_not_followed_at_shutdown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    elsewhere = tmp_path / "elsewhere"
    app = AppProcess(data)
    try:
        app.wait_ready(60)
        for phone in (A, B):
            app.link(phone)
        _churn(data, A, 1)
        _churn(data, B, 2)
        folder = data / "sessions" / A
        if folder.exists():
            shutil.move(folder, elsewhere)
        else:
            elsewhere.mkdir()
        folder.symlink_to(elsewhere, target_is_directory=True)
        assert app.terminate(60) == 0
    finally:
        app.close()
    failed = _seal_failures(app)
    assert set(failed) == {A}, failed
    assert "link" in failed[A]
    assert app.unhandled() == []
    assert not _live(data, B).exists()
    assert _plain(_live(data, A))  # not written through the link; sealed once it is fixed
    assert not any(_plain(p) for p in elsewhere.iterdir())

    refused = AppProcess(data)
    try:
        code = refused.proc.wait(60)
    finally:
        refused.close()
    refused._reader.join(5)
    assert code != 0
    assert any("link" in str(ln.get("msg", "")) for ln in refused.lines), refused.lines[-5:]
    assert _plain(_live(data, A))  # still there, still to be sealed
