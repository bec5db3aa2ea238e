"""The selected number's timeline: a 24 h / 7 days / 30 days picture and its uptime.

Reads the recorded history (services/history.py) and the backups that are
kept (the vault), redraws when either changes (coalesced by the named
`timeline_redraw_timer`) and once a minute as time moves on. A click on a
kept backup becomes `restore_requested`; the window runs the same restore
(confirmation, progress, outcome) as the backup list.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.timeline import Band, Timeline, build_timeline
from lila_desktop.services.history import SessionHistory
from lila_desktop.services.vault import BackupInfo
from lila_desktop.ui import texts
from lila_desktop.ui import timeline_texts as words
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.models.backups import reason_label
from lila_desktop.ui.widgets.timeline_canvas import BAND_STYLE, TimelineCanvas

logger = logging.getLogger(__name__)

RANGES_DAYS = (1, 7, 30)
REDRAW_MS = 300
TICK_MS = 60_000


class TimelinePanel(QWidget):
    restore_requested = Signal(object)  # BackupInfo

    def __init__(
        self,
        bridge: PoolBridge,
        history: SessionHistory | None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_panel")
        self.bridge = bridge
        self.history = history
        self.clock = clock
        self.phone: str | None = None
        self.days = 1
        self._kept: list[BackupInfo] = []
        self._generation = 0

        self.title = QLabel(self)
        self.title.setObjectName("timeline_heading")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.range_buttons: dict[int, QToolButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        for days in RANGES_DAYS:
            button = QToolButton(self)
            button.setObjectName(f"range_{days}d_button")
            button.setCheckable(True)
            button.setChecked(days == self.days)
            button.clicked.connect(lambda _=False, d=days: self.set_days(d))
            self._group.addButton(button)
            header.addWidget(button)
            self.range_buttons[days] = button
        self.canvas = TimelineCanvas(self)
        self.canvas.backup_clicked.connect(self.restore_requested)
        self.canvas.backup_selected.connect(self._on_canvas_backup_selected)
        self.chosen = QLabel(self)
        self.chosen.setObjectName("timeline_chosen")
        self.chosen.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setObjectName("timeline_legend")
        self.legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.canvas)
        layout.addWidget(self.legend)
        layout.addWidget(self.chosen)
        layout.addStretch(1)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setObjectName("timeline_redraw_timer")
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self._tick_timer = QTimer(self)
        self._tick_timer.setObjectName("timeline_tick_timer")
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self.redraw)
        self._tick_timer.start()
        self._unlisten: Callable[[], None] | None = None
        self.destroyed.connect(lambda *_: self._stop_listening())
        if history is not None:
            self._unlisten = history.add_listener(self._on_history_changed)
        bridge.backups_changed.connect(self._on_bridge_backups_changed)
        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        self._last_backup_at: float | None = None
        self.retranslate()

    def _stop_listening(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    def set_history(self, history: SessionHistory) -> None:
        """The recorded history, opened after the panel (the window starting)."""
        self._stop_listening()
        self.history = history
        self._unlisten = history.add_listener(self._on_history_changed)
        self.redraw()

    def close_down(self) -> None:
        """Stop timers and listening (the window is closing)."""
        self._stop_listening()
        self._tick_timer.stop()
        self._redraw_timer.stop()

    def retranslate(self) -> None:
        for days, button in self.range_buttons.items():
            button.setText(words.range_label(days))
            button.setAccessibleName(
                self.tr("Show the last %1").replace("%1", words.range_label(days))
            )
        swatches = []
        for band in (Band.UP, Band.WORKING, Band.DOWN, Band.IDLE, Band.OFF):
            colour, _ = BAND_STYLE[band]
            swatches.append(f"<span style='color:{colour}'>■</span>&nbsp;{words.band_label(band)}")
        marks = [
            "<span style='color:#b3261e'>▼</span>&nbsp;" + self.tr("connection dropped"),
            "<span style='color:#2f6fd6'>◆</span>&nbsp;" + self.tr("backup (click to restore)"),
        ]
        self.legend.setText("&nbsp;&nbsp; ".join(swatches + marks))
        self.canvas.setAccessibleName(self.tr("Timeline of connections and backups"))
        self.chosen.clear()
        self.redraw()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- data --------------------------------------------------------------

    def set_phone(self, phone: str | None) -> None:
        if phone == self.phone:
            return
        self.phone = phone
        self._kept = []
        self.chosen.clear()
        snap = self.bridge.snapshot(phone) if phone else None
        self._last_backup_at = snap.last_backup_at if snap else None
        self.redraw()
        if phone is not None:
            self.reload_backups()

    def set_days(self, days: int) -> None:
        self.days = days
        self.range_buttons[days].setChecked(True)
        self.redraw()

    def timeline(self) -> Timeline | None:
        if self.phone is None or self.history is None:
            return None
        end = self.clock()
        return build_timeline(self.history.events(self.phone), end - self.days * 86400, end)

    def redraw(self) -> None:
        timeline = self.timeline()
        self.canvas.set_timeline(timeline, self._kept)
        if self.phone is None:
            self.title.setText(self.tr("Select a number to see its timeline."))
        elif timeline is None or not timeline.spans:
            self.title.setText(self.tr("No history of +%1 yet.").replace("%1", self.phone))
        elif timeline.uptime is None:
            self.title.setText(
                self.tr("+%1, last %2: not linked yet")
                .replace("%1", self.phone)
                .replace("%2", words.range_label(self.days))
            )
        else:
            self.title.setText(
                self.tr("+%1, last %2: connected %3 of the time")
                .replace("%1", self.phone)
                .replace("%2", words.range_label(self.days))
                .replace("%3", words.uptime_text(timeline.uptime))
            )

    def _on_canvas_backup_selected(self, info: BackupInfo) -> None:
        # The keyboard's choice in words (a tooltip would need the pointer).
        self.chosen.setText(
            self.tr("Backup of %1 (%2): press Enter to restore it.")
            .replace("%1", texts.when(info.created_at))
            .replace("%2", reason_label(info.reason))
        )

    def _on_history_changed(self, phone: str) -> None:
        if phone == self.phone and not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        for snap in batch:
            if snap.phone == self.phone and snap.last_backup_at != self._last_backup_at:
                self._last_backup_at = snap.last_backup_at
                self.reload_backups()  # a backup was taken: it becomes a marker

    def _on_bridge_backups_changed(self, phone: str) -> None:
        if phone == self.phone:
            self.reload_backups()

    @async_slot
    async def reload_backups(self) -> None:
        self._generation += 1
        generation, phone = self._generation, self.phone
        if phone is None:
            return
        try:
            kept = await self.bridge.list_backups(phone)
        except ActionError as exc:
            logger.info("timeline: backups of %s not listed: %s", phone, exc)
            kept = []
        if not alive(self) or generation != self._generation:
            return
        self._kept = kept
        self.redraw()
