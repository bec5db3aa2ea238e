"""The first run, end to end in the window: one clear action, number and name,
the QR right there (a simulated scan stands in for the phone, as in --demo),
"Linked", the first backup said in plain words; driven by the keyboard."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from lila_desktop.ui import i18n
from lila_desktop.ui.widgets.first_run import Page
from lila_desktop.ui.widgets.link_panel import QR_DEVICE_PX
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.test_i18n import deliver_language_change
from tests.ui.window_history_support import SHOTS, HApp, happ, registry_saved, save_shot

__all__ = ["happ"]
ROOT = Path(__file__).resolve().parents[2]
A = "51911111111"


@pytest.mark.parametrize("language", ["en", "es"])
def test_first_run_links_a_number_and_says_it_is_backed_up(
    qloop: LoopRunner, happ: HApp, language: str
) -> None:
    window, flow = happ.window, happ.window.first_run
    i18n.install_language(language)
    deliver_language_change()
    assert window.pages.currentWidget() is flow, "an empty window greets with the flow"
    assert flow.pages.currentIndex() == Page.WELCOME
    assert flow.start_button.isVisible() and flow.start_button.isDefault()
    assert window.summary_bar.text.text() == (
        "No number linked yet" if language == "en" else "Aún no hay ningún número vinculado"
    )
    save_shot(window, "first-run-welcome")

    async def scenario() -> None:
        QTest.keyClick(flow.start_button, Qt.Key.Key_Return)  # Enter on the one clear action
        assert flow.pages.currentIndex() == Page.NUMBER
        QTest.keyClicks(flow.number_edit, "0051 abc")
        QTest.keyClick(flow.number_edit, Qt.Key.Key_Return)
        await wait_until(flow.error_label.text, what="a clear message for a bad number")
        assert "51902049935" in flow.error_label.text() or "digits" in flow.error_label.text()
        flow.number_edit.clear()
        QTest.keyClicks(flow.number_edit, "+51 911 111 111")
        QTest.keyClicks(flow.name_edit, "Front desk")
        save_shot(window, "first-run-number")
        QTest.keyClick(flow.name_edit, Qt.Key.Key_Return)
        await wait_until(lambda: flow.pages.currentIndex() == Page.SCAN, what="the code page")
        await wait_until(flow.link.qr_view.has_code, what="the QR, right there")
        side = flow.link.qr_view.width() * flow.link.qr_view.devicePixelRatioF()
        assert side >= 260
        save_shot(window, "first-run-qr")
        flow.link.simulate_button.click()  # the phone scans (the demo's simulated scan)
        await wait_until(lambda: flow.pages.currentIndex() == Page.DONE, what="Linked")
        await wait_until(lambda: flow.elapsed is not None, what="the first backup")
        await registry_saved(happ, A)

    qloop.run(scenario())
    linked = "Linked! +51911111111 is connected."
    assert flow.done_title.text() == (
        linked if language == "en" else "¡Vinculado! El +51911111111 está conectado."
    )
    assert flow.backup_label.text().startswith(
        "First backup made at " if language == "en" else "Primera copia de seguridad hecha"
    )
    save_shot(window, "first-run-linked")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"first-run-time-{language}.json").write_text(
        json.dumps({"seconds": flow.elapsed, "note": "automated clicks; a person adds typing"})
    )
    QTest.keyClick(flow.finish_button, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.main_area
    assert window.current_snapshot() is not None
    assert window.current_snapshot().phone == A  # type: ignore[union-attr]
    assert window.model.rowCount() == 1
    i18n.install_language("en")
    deliver_language_change()


def test_the_code_is_big_enough_on_a_laptop_screen(qloop: LoopRunner, happ: HApp) -> None:
    """At 1366×768 (the window run_gui opens there) the code gets its 272 device pixels."""
    panel = happ.window.link_panel

    async def scenario() -> None:
        await happ.harness.pool.add(A)
        await wait_until(lambda: happ.window.model.rowCount() == 1)
        happ.window.select_phone(A)
        await wait_until(panel.qr_view.has_code, what="the QR inline in the detail area")
        await registry_saved(happ, A)

    qloop.run(scenario())
    assert panel.isVisible() and panel.qr_view.isVisible()
    ratio = panel.qr_view.devicePixelRatioF()
    assert panel.qr_view.width() == panel.qr_view.height() == math.ceil(QR_DEVICE_PX / ratio)
    assert panel.qr_view.module_device_px() >= 4  # whole device pixels per module
    assert panel.countdown_label.text().startswith("New code in ")
    save_shot(happ.window, "inline-qr")

    async def pair() -> None:  # the alternative, right there: an 8-character code
        panel.pair_button.click()
        await wait_until(panel.pair_code_label.isVisible, what="the pairing code")
        await registry_saved(happ, A)

    qloop.run(pair())
    assert len(panel.pair_code_label.text()) == 9 and panel.pair_code_label.text()[4] == "-"
    assert not panel.qr_view.isVisible()
    assert panel.countdown_label.text().startswith("Type it within ")
    assert panel.pair_button.text() == "Show &QR code"
    save_shot(happ.window, "inline-pairing-code")


@pytest.mark.parametrize("scale", ["1.5", "2"])
def test_the_code_is_crisp_at_150_and_200_percent(tmp_path: Path, scale: str) -> None:
    """Rendered at the screen's pixel ratio: whole device pixels per module, and a
    scanner reads it from the picture (zbarimg, when installed)."""
    out = tmp_path / "qr.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.qr_scale_probe", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["ratio"] == float(scale)
    assert probe["device_px"] >= 260 and probe["image_px"] >= 260
    assert probe["module_px"] >= 4
    from PIL import Image

    with Image.open(out) as img:  # sharp edges: black and white only, no blurred greys
        assert {c for _, c in img.convert("L").getcolors()} <= {0, 255}
    if shutil.which("zbarimg"):
        read = subprocess.run(["zbarimg", "-q", "--raw", str(out)], capture_output=True, text=True)
        assert read.stdout.strip() == "2@" + "x" * 120


def test_on_a_short_screen_the_code_is_never_cut(qloop: LoopRunner, happ: HApp) -> None:
    """1366×768 at 150 % leaves ~470 logical pixels: the tabs below give way to the code,
    and get their room back once no code is shown."""
    window, panel = happ.window, happ.window.link_panel
    B = "51922222222"

    async def scenario() -> None:
        await happ.harness.link(B)
        window.resize(900, 470)
        top, bottom = window.main_area.sizes()
        window.main_area.setSizes([60, top + bottom - 60])  # the list got very little room
        await happ.harness.pool.add(A)
        await wait_until(lambda: window.model.rowCount() == 2)
        window.select_phone(A)
        await wait_until(panel.qr_view.has_code, what="the code")
        await registry_saved(happ, A, B)

    qloop.run(scenario())
    shown = panel.qr_view.visibleRegion().boundingRect()
    assert (shown.width(), shown.height()) == (panel.qr_view.width(), panel.qr_view.height())
    save_shot(window, "short-screen-qr")

    async def away() -> None:
        window.select_phone(B)
        await wait_until(lambda: window.main_area.sizes()[1] > 0, what="the tabs back")

    qloop.run(away())


def test_the_tabs_give_way_to_the_code_and_come_back(qloop: LoopRunner, qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    from lila_desktop.ui.widgets.main_area import MainArea

    host = QWidget()
    qtbot.addWidget(host)
    detail, tabs = QWidget(), QWidget()
    detail.setMinimumHeight(300)  # what the code and its steps need
    tabs.setMinimumHeight(120)
    area = MainArea(QWidget(), detail, tabs, host)
    area.resize(800, 380)  # less than both need: a short screen
    host.show()
    area.sized = True
    area.setSizes([200, 180])
    area.make_room()
    top, bottom = area.sizes()
    assert (top >= 300, bottom) == (
        True,
        0,
    )  # all of it to the code: no tab squeezed under its size
    area.give_back()
    assert area.sizes()[1] > 0
