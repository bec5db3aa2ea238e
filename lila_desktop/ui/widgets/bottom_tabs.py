"""The tabs below the list: the selected number's timeline, its backups, the log.

When the window starts (GuiApp) only the tab bar is built, with its titles;
the views themselves (~15 ms of widgets, their modules and the recorded
history) come right after the window is mapped (`build`), or the first time
one of them is asked for. Everywhere else they are built at once. More tabs
may be added (the outbox's).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from lila_desktop.ui.bridge import PoolBridge

if TYPE_CHECKING:
    from lila_desktop.services.history import SessionHistory
    from lila_desktop.ui.widgets.backup_timeline import BackupTimeline
    from lila_desktop.ui.widgets.log_view import LogView
    from lila_desktop.ui.widgets.timeline_panel import TimelinePanel

TIMELINE, BACKUPS, LOG = range(3)  # the tabs' places


class Views(NamedTuple):
    history_view: TimelinePanel
    backups: BackupTimeline
    log_view: LogView


class BottomTabs(QTabWidget):
    export_requested = Signal(str)  # phone (the backups tab's Export)
    views_built = Signal()

    def __init__(
        self,
        bridge: PoolBridge,
        log_path: Path,
        parent: QWidget | None = None,
        *,
        later: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bottom_tabs")
        self._bridge, self._log_path = bridge, log_path
        self._history: SessionHistory | None = None  # attach_history
        self._phone: str | None = None
        self._views: Views | None = None
        if later:
            for _ in (TIMELINE, BACKUPS, LOG):
                self.addTab(QWidget(self), "")
        else:
            self.build()

    @property
    def built(self) -> bool:
        return self._views is not None

    def build(self) -> Views:
        """The three views in place of the placeholders (once; the current tab kept)."""
        if self._views is not None:
            return self._views
        from lila_desktop.ui.widgets.backup_timeline import BackupTimeline
        from lila_desktop.ui.widgets.log_view import LogView
        from lila_desktop.ui.widgets.timeline_panel import TimelinePanel

        history_view = TimelinePanel(self._bridge, self._history, self)
        backups = BackupTimeline(self._bridge, self)
        log = LogView(self._log_path, self)
        backups.export_requested.connect(self.export_requested)
        history_view.restore_requested.connect(backups.restore_backup)
        backups.restore_started.connect(lambda: self.setCurrentWidget(backups))
        self._views = Views(history_view, backups, log)
        if self.count():  # placeholders: swap them, keeping titles and the current tab
            current = self.currentIndex()
            self.setUpdatesEnabled(False)
            for index, view in enumerate(self._views):
                title, placeholder = self.tabText(index), self.widget(index)
                self.removeTab(index)
                self.insertTab(index, view, title)
                if placeholder is not None:
                    placeholder.deleteLater()
            self.setCurrentIndex(current)
            self.setUpdatesEnabled(True)
        else:
            for view in self._views:
                self.addTab(view, "")
        self.retranslate()
        history_view.set_phone(self._phone)
        backups.set_phone(self._phone)
        self.views_built.emit()
        return self._views

    @property
    def history_view(self) -> TimelinePanel:
        return self.build().history_view

    @property
    def backups(self) -> BackupTimeline:
        return self.build().backups

    @property
    def log_view(self) -> LogView:
        return self.build().log_view

    def attach_history(self, history: SessionHistory) -> None:
        """The recorded history, opened after the window showed (GuiApp)."""
        self._history = history
        if self._views is not None:
            self._views.history_view.set_history(history)

    def set_phone(self, phone: str | None) -> None:
        """The selected number (shown by the timeline and backups once they exist)."""
        self._phone = phone
        if self._views is not None:
            self._views.history_view.set_phone(phone)
            self._views.backups.set_phone(phone)

    def retranslate(self) -> None:
        # The window's words: its catalogue context.
        self.setTabText(TIMELINE, QCoreApplication.translate("MainWindow", "&Timeline"))
        self.setTabText(BACKUPS, QCoreApplication.translate("MainWindow", "&Backups"))
        self.setTabText(LOG, QCoreApplication.translate("MainWindow", "Lo&g"))
        self.setAccessibleName(
            QCoreApplication.translate("MainWindow", "Timeline, backups and log")
        )
