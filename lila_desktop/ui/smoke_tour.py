"""The frozen app's tour of every screen, for the packaging smoke test.

With `LILA_SMOKE_TOUR=DIR` and `--demo` the window, once ready, visits what an
owner can open: the first run, the list, the number waiting for its scan with
the inline QR, every tab (timeline, backups, log, outbox), the link dialog
with its QR, Settings, About, the restore confirmation and the tray menu, then
the window again in Spanish. Each is drawn to DIR/<screen>.png (a bundle
missing a Qt plugin, a translation or an image format shows here as an
error, a blank picture or an undecodable QR). DIR/tour.json lists the
screens and what Qt's ICU answered (Spanish collation, Spanish time-zone
names, which libicudata is loaded), for the trimmed ICU data of the Linux
bundle. The log says `smoke_tour_done` (or `smoke_tour_failed`).

Only the smoke test sets the variable; an owner never sees the tour.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCollator, QCoreApplication, QLocale, QTimeZone
from PySide6.QtWidgets import QDialog, QWidget

from lila_desktop.ui import i18n
from lila_desktop.ui.controller import WindowController
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.tray import TrayController

logger = logging.getLogger(__name__)

ENV_VAR = "LILA_SMOKE_TOUR"
WAIT_S = 30.0
T = TypeVar("T")


class TourError(RuntimeError):
    pass


async def _until(what: str, check: Callable[[], T | None]) -> T:
    """Polls `check` on the event loop until it returns something truthy."""
    deadline = time.monotonic() + WAIT_S
    while not (found := check()):
        if time.monotonic() > deadline:
            raise TourError(f"{what}: not within {WAIT_S:.0f} s")
        await asyncio.sleep(0.05)
    return found


def icu_answers() -> dict[str, Any]:
    """What Qt's ICU says for Spanish: collation puts ñ after every n (root collation
    would not), time-zone names come in Spanish, and which data library is mapped."""
    es = QCollator(QLocale("es_ES"))
    madrid = QTimeZone(b"Europe/Madrid")
    name = madrid.displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("es_ES")
    )
    mapped = ""
    if sys.platform.startswith("linux"):
        with open("/proc/self/maps", encoding="utf-8") as maps:
            found = {line.split()[-1] for line in maps if "libicudata" in line}
        mapped = ",".join(sorted(found))
    return {
        "es_collation_n_before_enye": es.compare("nz", "ña") < 0,
        "es_madrid_standard_time": name,
        "upper_es": QLocale("es_ES").toUpper("ñandú"),
        "libicudata": mapped,
    }


class Tour:
    def __init__(
        self,
        out: Path,
        window: MainWindow,
        controller: WindowController,
        tray: TrayController,
        waiting: str,
        connected: str,
    ) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.window = window
        self.controller = controller
        self.tray = tray
        self.waiting = waiting
        self.connected = connected
        self.screens: dict[str, dict[str, Any]] = {}
        self.spanish: dict[str, Any] = {}

    async def shot(self, name: str, widget: QWidget) -> None:
        await asyncio.sleep(0)  # one pass of Qt's loop: pending layouts settle first
        image = widget.grab().toImage()
        path = self.out / f"{name}.png"
        if image.isNull() or not image.save(str(path)):
            raise TourError(f"{name}: could not draw {type(widget).__name__}")
        step = max(1, image.width() // 40)
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
        self.screens[name] = {
            "file": path.name,
            "size": [image.width(), image.height()],
            "colours": len(colours),
            "widget": type(widget).__name__,
        }

    async def dialog(self, name: str, open_it: Callable[[], object]) -> None:
        before = {id(d) for d in self.window.findChildren(QDialog) if d.isVisible()}
        open_it()
        dialog = await _until(
            name,
            lambda: next(
                (
                    d
                    for d in self.window.findChildren(QDialog)
                    if d.isVisible() and id(d) not in before
                ),
                None,
            ),
        )
        await self.shot(name, dialog)
        dialog.reject()
        await _until(f"{name} closed", lambda: not dialog.isVisible())

    async def run(self) -> None:
        w = self.window
        await _until("first run", lambda: w.pages.currentWidget() is w.first_run)
        await self.shot("first_run", w)
        w.first_run.skip_button.click()  # the demo's way out: its numbers arrive
        await _until("demo numbers", lambda: w.model.rowCount() >= 3)
        await _until("list", lambda: w.pages.currentWidget() is not w.first_run)
        await self.shot("window", w)

        w.select_phone(self.waiting)
        await _until("QR", lambda: w.link_panel.isVisible() and w.link_panel._qr is not None)
        await self.shot("inline_qr", w)

        w.select_phone(self.connected)
        await _until("backups", lambda: w.timeline.model.rowCount() > 0)
        for index in range(w.tabs.count()):
            w.tabs.setCurrentIndex(index)
            tab = w.tabs.widget(index)
            assert tab is not None
            await self.shot(f"tab_{tab.objectName() or type(tab).__name__}", w)
        info = w.timeline.model.backup_at(0)
        assert info is not None
        await self.dialog("restore_confirm", lambda: w.timeline.restore_backup(info))
        await self.dialog("settings", w.settings_action.trigger)
        await self.dialog("about", w.about_action.trigger)
        await self.shot("tray_menu", self.tray.menu)
        await self.dialog("link_dialog", lambda: self.controller.open_link_dialog(self.waiting))

        i18n.install_language("es")  # Qt's words and ours, from the bundle
        await self.shot("window_es", w)
        self.spanish = {
            "tabs": [w.tabs.tabText(i) for i in range(w.tabs.count())],
            # Qt's own catalogue, not ours: held in a name so that lupdate
            # (build_resources --update-ts) does not add it to our .ts files.
            "qt_cancel": _qt_translate("QPlatformTheme", "Cancel"),
        }
        i18n.install_language("en")


_qt_translate = QCoreApplication.translate


async def run_tour(
    out: Path,
    window: MainWindow,
    controller: WindowController,
    tray: TrayController,
    demo_numbers: tuple[tuple[str, str], ...],
) -> None:
    """Walks every screen into `out`; logs the outcome, never raises (the app goes on)."""
    connected, waiting = demo_numbers[0][0], demo_numbers[1][0]
    tour = Tour(out, window, controller, tray, waiting, connected)
    report: dict[str, Any] = {"icu": icu_answers()}
    try:
        await tour.run()
    except Exception as exc:
        logger.exception("smoke tour failed", extra={"event": "smoke_tour_failed"})
        report["error"] = f"{type(exc).__name__}: {exc}"
    report["screens"] = tour.screens
    report["spanish"] = tour.spanish
    report["statuses"] = {s.phone: str(s.status) for s in window.bridge.snapshots()}
    _write(out / "tour.json", report)
    if "error" not in report:
        logger.info("smoke tour done", extra={"event": "smoke_tour_done"})


def _write(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
