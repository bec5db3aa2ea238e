"""The OS ends the session (macOS Cmd-Q/logout, Windows sign-out): the stores are
sealed, no plaintext is left, the engine is gone, and hide-to-tray vetoes nothing."""

from __future__ import annotations

import psutil
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QWidget

from lila_desktop.services.session_end import seal_for_session_end
from lila_desktop.services.vault import SessionVault
from lila_desktop.ui.session_end import SessionEndGuard
from tests.conftest import PoolHarness
from tests.ui.conftest import LoopRunner

PHONE = "51902049935"


class _TrayWindow(QWidget):
    """Closes as MainWindow does: never accepted (hidden to the tray, or the app is
    asked to quit later). A system quit that reaches it is cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.closes: list[str] = []

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closes.append("close")
        event.ignore()
        self.hide()


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_system_quit_seals_everything_even_with_the_window_hiding_to_tray(
    qloop: LoopRunner, ui_harness: PoolHarness, qapp: QApplication
) -> None:
    pool = ui_harness.pool
    qloop.run(ui_harness.link(PHONE))
    live = pool.vault.live_path(PHONE)
    assert live.exists()
    engine_pid = pool.engine.pid
    assert engine_pid is not None
    window = _TrayWindow()  # its close vetoed Cmd-Q and logout
    window.show()
    closes = window.closes
    guard = SessionEndGuard(qapp, lambda why: seal_for_session_end(pool, why), watch_quit=True)
    try:
        quit_event = QEvent(QEvent.Type.Quit)
        QCoreApplication.sendEvent(qapp, quit_event)
        assert quit_event.isAccepted(), "macOS goes on with the quit (and the logout)"
        assert guard.ended_by == "quit requested by the system"
        assert closes == [], "no window was asked to close, so none could veto"
        assert not live.exists() and not any(ui_harness.runtime_dir.glob("*.db*"))
        assert (ui_harness.data_dir / "sessions").exists()
        assert not _alive(engine_pid)
    finally:
        qapp.removeEventFilter(guard)
        guard.deleteLater()
        window.deleteLater()
    # The sealed store opens again with the same key and still holds the device.
    again = SessionVault(
        ui_harness.data_dir, ui_harness.runtime_dir / "again", pool.vault._keystore
    )
    qloop.run(again.open())
    try:
        assert qloop.run(again.has_device(PHONE))
    finally:
        qloop.run(again.aclose())
