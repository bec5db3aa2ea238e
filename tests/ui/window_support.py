"""The window over a real pool, for the quota and send tests, torn down on the GUI thread.

Same wiring as test_window's `app` fixture, with one difference at the end:
the window, controller, tray and bridge are deleted right here, on the GUI
thread, while this fixture still holds them. Released to Python instead,
these parentless (Python-owned) objects sit in reference cycles until the
garbage collector runs, and that can be in any thread that allocates: a
pymongo monitor, an executor worker. A QObject with live timers destroyed
there leaves its timers registered ("Timers cannot be stopped from another
thread"), and the next timer event lands on freed memory (a segfault in a
later test, found with gdb in QTimerInfoList::activateTimers).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from lila_desktop.core.settings import Settings
from lila_desktop.services.autostart import XdgAutostart
from lila_desktop.services.logs import log_file
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.controller import WindowController
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.tray import TrayController
from tests.conftest import PoolHarness
from tests.ui.conftest import LoopRunner
from tests.ui.test_window import App, modal

__all__ = ["App", "app", "modal"]


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
    window.quota.stop()
    bridge.detach()
    tray.hide()
    for obj in (controller, tray, window, bridge):
        obj.deleteLater()
    # Twice: deleting the tray posts the deletion of its menu.
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
