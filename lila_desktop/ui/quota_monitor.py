"""The selected number's monthly message quota, as the window shows it.

The ledger is async (SQLite in run_blocking's threads; MongoDB behind its own
threads with bounded timeouts), so reading it never blocks the window: the
named `quota_refresh_timer` asks every 30 s, a new selection asks at once,
and a send reports the numbers it got back. Reads never overlap: one that
is asked for while another runs is done right after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from lila_desktop.core.quota import CompanyNotFound, QuotaLedger, QuotaStatus, QuotaUnavailable
from lila_desktop.ui.aslot import alive, async_slot

logger = logging.getLogger(__name__)

REFRESH_MS = 30_000
NEARLY_USED_UP = 0.9  # from 90 % of the limit the line turns amber


class Level(Enum):
    OK = "ok"
    WARN = "warn"
    BAD = "bad"


@dataclass(frozen=True)
class QuotaView:
    """What the quota line says: text, tooltip, how worrying it is."""

    text: str
    tooltip: str
    level: Level


def _number(value: int) -> str:
    return QLocale().toString(value)  # 1,000 in English, 1.000 in Spanish


def describe(
    status: QuotaStatus | None, error: Exception | None = None, problem: str = ""
) -> QuotaView | None:
    """The quota line for a status, a read error or a ledger that could not start."""
    if problem:
        return QuotaView(
            QCoreApplication.translate("QuotaMonitor", "Message quota unavailable: %1").replace(
                "%1", problem
            ),
            "",
            Level.BAD,
        )
    if isinstance(error, CompanyNotFound):
        return QuotaView(
            QCoreApplication.translate(
                "QuotaMonitor",
                "The company portal has no active company for this number, so sending is "
                "refused. Check the company id in Settings, or the number in the portal.",
            ),
            str(error),
            Level.BAD,
        )
    if isinstance(error, QuotaUnavailable):
        return QuotaView(
            QCoreApplication.translate(
                "QuotaMonitor",
                "Company portal unreachable — it has not told this computer the quota for "
                "this number yet; sending waits until it answers.",
            ),
            str(error),
            Level.BAD,
        )
    if error is not None:
        return QuotaView(
            QCoreApplication.translate(
                "QuotaMonitor", "The message quota could not be read: %1"
            ).replace("%1", str(error)),
            "",
            Level.BAD,
        )
    if status is None:
        return None
    source = (
        QCoreApplication.translate("QuotaMonitor", "local")
        if status.source == "local"
        else QCoreApplication.translate("QuotaMonitor", "company portal")
    )
    text = (
        QCoreApplication.translate("QuotaMonitor", "Messages this month: %1 of %2 (%3)")
        .replace("%1", _number(status.used))
        .replace("%2", _number(status.limit))
        .replace("%3", source)
    )
    level = Level.OK
    if status.remaining == 0:
        text += " — " + QCoreApplication.translate(
            "QuotaMonitor", "used up; sending is refused until next month."
        )
        level = Level.BAD
    elif status.used + status.reserved >= status.limit * NEARLY_USED_UP:
        level = Level.WARN
    if not status.portal_reachable:
        text = QCoreApplication.translate(
            "QuotaMonitor", "Company portal unreachable — sending within the last known quota"
        ) + (". " + text)
        level = Level.BAD if level is Level.BAD else Level.WARN
    tooltip = (
        QCoreApplication.translate(
            "QuotaMonitor", "Period %1 · company %2 · sent %3 · being sent %4 · left %5"
        )
        .replace("%1", status.period)
        .replace("%2", status.company_id)
        .replace("%3", str(status.used))
        .replace("%4", str(status.reserved))
        .replace("%5", str(status.remaining))
    )
    return QuotaView(text, tooltip, level)


class QuotaMonitor(QObject):
    """Keeps the quota of the watched number fresh; `changed` says when `view()` changed."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.ledger: QuotaLedger | None = None
        self.problem = ""  # why there is no ledger (a bad setting), in plain words
        self.phone: str | None = None
        self.status: QuotaStatus | None = None
        self.error: Exception | None = None
        self.reads = 0  # completed ledger reads (tests count them)
        self._busy = False
        self._again = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setObjectName("quota_refresh_timer")
        self._refresh_timer.setInterval(interval_ms)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)

    def set_ledger(self, ledger: QuotaLedger | None, problem: str = "") -> None:
        self.ledger = ledger
        self.problem = "" if ledger is not None else problem
        self.status, self.error = None, None
        if ledger is not None:
            self._refresh_timer.start()
        else:
            self._refresh_timer.stop()
        self.changed.emit()
        self.refresh()

    def watch(self, phone: str | None) -> None:
        """Follow `phone` (the selected number); None shows nothing."""
        if phone == self.phone:
            return
        self.phone = phone
        self.status, self.error = None, None
        self.changed.emit()
        self.refresh()

    def show(self, phone: str, status: QuotaStatus) -> None:
        """Numbers a send just got back: shown at once, no extra read."""
        if phone == self.phone:
            self.status, self.error = status, None
            self.changed.emit()

    def view(self) -> QuotaView | None:
        if self.phone is None:
            return None
        return describe(self.status, self.error, self.problem)

    def stop(self) -> None:
        self._refresh_timer.stop()

    def _on_refresh_timer_timeout(self) -> None:
        self.refresh()

    @async_slot
    async def refresh(self) -> None:
        await self.update()

    async def update(self) -> None:
        """Read the watched number's quota now (or right after the read under way)."""
        if self._busy:
            self._again = True
            return
        self._busy = True
        try:
            self._again = True
            while self._again and alive(self):
                self._again = False
                ledger, phone = self.ledger, self.phone
                if ledger is None or phone is None:
                    return
                try:
                    status: QuotaStatus | None = await ledger.status(phone)
                    error: Exception | None = None
                except Exception as exc:  # shown in the window; the next read may do better
                    logger.info("quota of %s not readable: %s", phone, exc)
                    status, error = None, exc
                if not alive(self):
                    return  # the window closed while the ledger answered
                self.reads += 1
                if (ledger, phone) == (self.ledger, self.phone):
                    self.status, self.error = status, error
                    self.changed.emit()
        finally:
            self._busy = False


_STYLE = {
    Level.OK: "color: palette(text);",
    Level.WARN: "color: #8a6300; font-weight: bold;",
    Level.BAD: "color: #b3261e; font-weight: bold;",
}


class QuotaLabel(QLabel):
    """The quota line under the sessions table; hidden while there is nothing to say."""

    def __init__(self, monitor: QuotaMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quota_label")
        self.setContentsMargins(6, 0, 6, 4)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.monitor = monitor
        monitor.changed.connect(self.update_view)
        self.update_view()

    def update_view(self) -> None:
        view = self.monitor.view()
        if view is None:
            self.hide()
            return
        self.setText(view.text)
        self.setToolTip(view.tooltip)
        self.setStyleSheet(_STYLE[view.level])
        self.show()
