"""'Backup failing' reaches the owner in the window and the tray (issue 13, finding 4):
the status column, the window's detail line and the tray menu mark the number,
a notification says what to do, and all of it goes away once a backup
succeeds again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lila_desktop.core.status import Severity
from lila_desktop.services import backup_state
from lila_desktop.ui.bridge import ActionError
from lila_desktop.ui.models.sessions import Column
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_support import App, app
from tests.unit.services.test_backup_failing import _churn

__all__ = ["app"]
A = "51944444444"


def test_backup_failing_shows_in_window_tray_and_notice(
    qloop: LoopRunner, app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_state, "RETRY_FIRST", 0.05)
    window, tray, harness = app.window, app.tray, app.harness
    shown: list[tuple[str, str, bool]] = []
    tray.notified.connect(lambda t, b, bad: shown.append((t, b, bad)))
    folder = harness.data_dir / "sessions" / "backups" / A
    elsewhere = tmp_path / "elsewhere"

    def status_text() -> str:
        return str(window.model.data(window.model.index(window.model.row_of(A), Column.STATUS)))

    def menu_labels() -> list[str]:
        return [a.text() for a in tray.menu.actions()]

    async def scenario() -> None:
        await app.bridge.add(A, "Caja")
        await harness.wait(A, lambda s: s.qr is not None)
        await app.bridge.simulate(A, "scan")
        await harness.wait(A, lambda s: s.is_connected and s.last_backup_at is not None)
        window.select_phone(A)
        shutil.move(folder, elsewhere)
        folder.symlink_to(elsewhere, target_is_directory=True)
        _churn(harness.pool.vault.live_path(A), 1)
        with pytest.raises(ActionError):
            await app.bridge.backup_now(A)
        await wait_until(lambda: "backup failing" in status_text(), what="marked row")
        await wait_until(lambda: "Backups are failing" in window.detail.text(), what="detail")
        await wait_until(lambda: shown, what="a notification")
        assert "link" in window.detail.text()  # the reason, not just the fact
        assert any("Caja" in t and "backup failing" in t for t in menu_labels())
        assert tray.severity is Severity.ATTENTION  # connected, yet it needs the owner
        folder.unlink()
        shutil.move(elsewhere, folder)
        await wait_until(lambda: status_text() == "Connected", what="cleared row")
        await wait_until(lambda: "Backups" not in window.detail.text(), what="cleared detail")
        assert tray.severity is Severity.OK

    qloop.run(scenario())
    title, body, _ = shown[0]
    assert title == "Backups of Caja (+51944444444) are failing"
    assert body.startswith("Backups of this number are failing (") and "link" in body, body
    assert body.endswith("Lila keeps trying; free some space or fix the data folder.")
    assert shown[0][2] is True  # bad news
    assert not any("backup failing" in t for t in menu_labels())
