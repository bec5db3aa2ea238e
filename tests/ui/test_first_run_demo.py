"""A fresh `--demo` greets like a real first start: the guided flow runs to
"Linked" and the first backup with the simulated scan, and only then do the
three demo numbers (and their day of history) join the owner's own number.
Skipping the flow brings the demo numbers at once. Driven by the keyboard,
through GuiApp's own demo seeding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from lila_desktop.core.settings import Settings
from lila_desktop.services.config import CommandLine, resolve
from lila_desktop.services.logs import log_file
from lila_desktop.services.runtime import DEMO_NUMBERS, Runtime
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui import i18n
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.main import GuiApp
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.single_instance import InstanceServer
from lila_desktop.ui.widgets.first_run import Page
from tests.conftest import MemoryKeyStore, build_test_pool
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.test_i18n import deliver_language_change
from tests.ui.window_history_support import SHOTS, save_shot

OWN = "51911111111"
DEMO = [phone for phone, _ in DEMO_NUMBERS]


def demo_window(qloop: LoopRunner, tmp_path: Path) -> tuple[GuiApp, MainWindow, PoolBridge]:
    """GuiApp's runtime started on an empty demo data folder, its window over it."""
    cli = CommandLine(data_dir=tmp_path / "data", transport="simulated", demo=True, api_port="0")
    cfg = resolve(cli, {}, Settings())
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    gui = GuiApp(app, cfg, SettingsStore(cfg.data_dir), InstanceServer(cfg.data_dir), 0.0)
    gui.runtime = Runtime(cfg)
    gui.runtime.pool = build_test_pool(cfg.data_dir, tmp_path / "run", MemoryKeyStore())
    assert qloop.run(gui.runtime.start()) is True
    bridge = PoolBridge(gui.runtime.pool, flush_interval_ms=20)
    bridge.attach()
    window = MainWindow(bridge, log_file(cfg.data_dir), history=gui.runtime.history)
    window.resize(1300, 706)  # what run_gui gives a 1366×768 screen
    window.show()
    bridge.resync()
    return gui, window, bridge


def close(qloop: LoopRunner, gui: GuiApp, window: MainWindow, bridge: PoolBridge) -> None:
    window.hide()  # as run_gui does: the log view stops polling first
    window.quota.stop()
    window.history_view.close_down()
    bridge.detach()
    qloop.run(gui.runtime.aclose())
    window.deleteLater()
    bridge.deleteLater()
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_fresh_demo_greets_and_the_flow_links_with_the_simulated_scan(
    qloop: LoopRunner, tmp_path: Path, language: str
) -> None:
    gui, window, bridge = demo_window(qloop, tmp_path)
    flow = window.first_run
    i18n.install_language(language)
    deliver_language_change()
    seeding = qloop.loop.create_task(gui._seed_demo(window))
    try:
        assert window.pages.currentWidget() is flow, "a fresh demo greets first"
        assert flow.skip_button.isVisible() and flow.demo_text.isVisible()
        assert flow.skip_button.text() == (
            "&Skip: show me the demo numbers"
            if language == "en"
            else "&Omitir: ver los números de demostración"
        )
        assert window.focusWidget() is flow.start_button, "Enter starts linking"
        save_shot(window, "demo-first-run-welcome")

        async def scenario() -> None:
            await wait_until(lambda: flow.start_button.isVisible(), what="the welcome")
            assert not gui.runtime.pool.snapshots(), "no demo number before the owner is done"
            QTest.keyClick(flow.start_button, Qt.Key.Key_Return)
            QTest.keyClicks(flow.number_edit, "+51 911 111 111")
            QTest.keyClicks(flow.name_edit, "Front desk")
            QTest.keyClick(flow.name_edit, Qt.Key.Key_Return)
            await wait_until(flow.link.qr_view.has_code, what="the QR, right there")
            assert flow.link.simulate_button.isVisible(), "the demo offers the simulated scan"
            assert [s.phone for s in gui.runtime.pool.snapshots()] == [OWN]
            save_shot(window, "demo-first-run-qr")
            QTest.keyClick(flow.link.simulate_button, Qt.Key.Key_Space)  # the phone "scans"
            await wait_until(lambda: flow.pages.currentIndex() == Page.DONE, what="Linked")
            await wait_until(lambda: flow.elapsed is not None, what="the first backup")

        qloop.run(scenario(), timeout=60)
        assert flow.done_title.text() == (
            f"Linked! +{OWN} is connected."
            if language == "en"
            else f"¡Vinculado! El +{OWN} está conectado."
        )
        assert flow.backup_label.text().startswith(
            "First backup made at " if language == "en" else "Primera copia de seguridad hecha"
        )
        save_shot(window, "demo-first-run-linked")
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / f"demo-first-run-time-{language}.json").write_text(
            json.dumps({"seconds": flow.elapsed, "note": "automated keys; a person adds typing"})
        )
        assert len(gui.runtime.pool.snapshots()) == 1, "the demo numbers wait for the owner"
        QTest.keyClick(flow.finish_button, Qt.Key.Key_Return)  # "Open my numbers"
        assert window.pages.currentWidget() is window.main_area
        assert window.current_snapshot().phone == OWN  # type: ignore[union-attr]

        async def demo_numbers() -> None:
            await seeding  # the demo numbers join the owner's own
            await wait_until(lambda: window.model.rowCount() == 4, what="the demo numbers")
            shop = window.model.row_of(DEMO[0])
            await wait_until(
                lambda: window.model.snapshot_at(shop).is_connected,  # type: ignore[union-attr]
                what="the window told the demo's shop number is connected",
            )

        qloop.run(demo_numbers(), timeout=60)
        assert {s.phone for s in gui.runtime.pool.snapshots()} == {OWN, *DEMO}
        assert gui.runtime.history.events(DEMO[0]), "the demo's day of history"
        save_shot(window, "demo-after-first-run")
    finally:
        seeding.cancel()
        i18n.install_language("en")
        deliver_language_change()
        close(qloop, gui, window, bridge)


def test_skipping_the_flow_shows_the_demo_numbers(qloop: LoopRunner, tmp_path: Path) -> None:
    gui, window, bridge = demo_window(qloop, tmp_path)
    seeding = qloop.loop.create_task(gui._seed_demo(window))
    try:
        assert window.pages.currentWidget() is window.first_run
        QTest.keyClick(window.first_run.start_button, Qt.Key.Key_Tab)
        assert window.focusWidget() is window.first_run.skip_button, "Tab reaches the skip"
        QTest.keyClick(window.first_run.skip_button, Qt.Key.Key_Space)

        async def scenario() -> None:
            await seeding
            await wait_until(lambda: window.model.rowCount() == 3, what="the demo numbers")

        qloop.run(scenario(), timeout=60)
        assert window.pages.currentWidget() is window.main_area
        assert {s.phone for s in gui.runtime.pool.snapshots()} == set(DEMO)
    finally:
        seeding.cancel()
        close(qloop, gui, window, bridge)
