"""The window over a real pool *with* its history on disk (the timeline's memory),
wired as the app wires it, torn down on the GUI thread (see window_support)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from lila_desktop.core.settings import Settings
from lila_desktop.services.autostart import XdgAutostart
from lila_desktop.services.history import SessionHistory
from lila_desktop.services.logs import log_file
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.controller import WindowController
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.tray import TrayController
from tests.conftest import PoolHarness
from tests.ui.conftest import LoopRunner

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots" / "window"


@dataclass
class HApp:
    harness: PoolHarness
    bridge: PoolBridge
    window: MainWindow
    tray: TrayController
    controller: WindowController
    history: SessionHistory


@pytest.fixture
def happ(qloop: LoopRunner, ui_harness: PoolHarness, tmp_path: Path) -> Iterator[HApp]:
    history = SessionHistory(ui_harness.data_dir, flush_delay=0.01)
    qloop.run(history.open())
    history.attach(ui_harness.pool)
    bridge = PoolBridge(ui_harness.pool, flush_interval_ms=20)
    bridge.attach()
    window = MainWindow(bridge, log_file(ui_harness.data_dir), history=history)
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
    window.resize(1300, 706)  # what run_gui gives a 1366×768 screen
    window.show()
    yield HApp(ui_harness, bridge, window, tray, controller, history)
    window.quota.stop()
    window.history_view.close_down()
    bridge.detach()
    tray.hide()
    qloop.run(history.aclose())
    for obj in (controller, tray, window, bridge):
        obj.deleteLater()
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def save_shot(widget: QWidget, name: str) -> Path:
    """A picture of `widget` for the owner's eyes (and the README), in test-output."""
    from lila_desktop.ui import i18n

    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # as a running loop would
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # nested layouts: twice
    path = SHOTS / f"{name}-{i18n.current_language()}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path


async def registry_saved(happ: HApp, *phones: str) -> None:
    """Wait until the pool wrote its number list and the history its last lines (both
    write a moment after a change, in a worker thread); a test that ends before would
    leave that write to a closed loop."""
    from tests.ui.conftest import wait_until

    registry = happ.harness.data_dir / "sessions.json"
    await wait_until(
        lambda: registry.exists() and all(p in registry.read_text() for p in phones),
        what="the number list saved",
    )
    pending = happ.harness.pool._registry_task  # the writer may be waiting to write again
    if pending is not None:
        await pending
    await happ.history.flush()  # the same for the history's last lines
