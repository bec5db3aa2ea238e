"""The window over a real pool (the window, quota and send tests), torn down
on the GUI thread.

The window, controller, tray and bridge are deleted right here, on the GUI
thread, while this fixture still holds them (and the window's process only
ever collects garbage on the GUI thread: ui/collector.py). A QObject with
live timers destroyed on another thread leaves its timers registered, and
the next timer event lands on freed memory (found with gdb in
QTimerInfoList::activateTimers).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from lila_desktop.core.settings import Settings
from lila_desktop.services.autostart import XdgAutostart
from lila_desktop.services.logs import log_file
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.controller import WindowController
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.models.sessions import Column, Role
from lila_desktop.ui.tray import TrayController
from tests.conftest import PoolHarness
from tests.ui.conftest import LoopRunner, wait_until


@dataclass
class App:
    harness: PoolHarness
    bridge: PoolBridge
    window: MainWindow
    tray: TrayController
    controller: WindowController
    quits: list[bool]

    def status(self, phone: str) -> str | None:
        row = self.window.model.row_of(phone)
        m = self.window.model
        return None if row < 0 else m.data(m.index(row, Column.STATUS), Role.STATUS)


async def modal(kind: type[QWidget], name: str | None = None, timeout: float = 5.0) -> QWidget:
    """The dialog of `kind` (and objectName) that is open now."""
    found: list[QWidget] = []

    def look() -> bool:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, kind) and w.isVisible() and (name is None or w.objectName() == name):
                found.append(w)
                return True
        return False

    await wait_until(look, timeout, what=f"{kind.__name__} {name or ''}")
    return found[0]


@pytest.fixture
def app(qloop: LoopRunner, ui_harness: PoolHarness, tmp_path: Path) -> Iterator[App]:
    bridge = PoolBridge(ui_harness.pool, flush_interval_ms=20)
    bridge.attach()
    window = MainWindow(bridge, log_file(ui_harness.data_dir))
    tray = TrayController(group_window_ms=100)
    controller = WindowController(
        bridge=bridge,
        window=window,
        tray=tray,
        settings=Settings(),
        store=SettingsStore(ui_harness.data_dir),
        autostart=XdgAutostart(["lila-desktop"], config_home=tmp_path / "config"),
        data_dir=ui_harness.data_dir,
        api_info=lambda: ("k" * 43, "Listening on http://127.0.0.1:3001."),
    )
    quits: list[bool] = []
    controller.quit_requested.connect(lambda: quits.append(True))
    window.resize(1100, 700)
    window.show()
    yield App(ui_harness, bridge, window, tray, controller, quits)
    # Nothing of this test may fire in a later one (a pending notice timer would).
    window.quota.stop()
    bridge.detach()
    tray.hide()
    for obj in (controller, tray, window, bridge):
        obj.deleteLater()
    # Twice: deleting the tray posts the deletion of its menu.
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
