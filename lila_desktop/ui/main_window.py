"""The main window: a summary line; the sessions table beside the selected
number's detail (what it needs, the QR inline while it waits to be linked,
its message quota); below, its timeline picture, its backups and the log;
menus, toolbar, context menu and shortcuts for everything. With no number
yet, the first-run flow fills the window instead.

The window holds no pool state of its own: it shows the bridge's snapshots
(through the table model) and sends requests through the bridge. Other
views hook in small: `tabs` takes more tabs, `_update_detail` more words.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Severity, severity
from lila_desktop.ui import texts
from lila_desktop.ui.aslot import alive
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.icons import app_icon
from lila_desktop.ui.models.sessions import SessionTableModel
from lila_desktop.ui.quota_monitor import QuotaLabel, QuotaMonitor
from lila_desktop.ui.session_actions import SessionActions
from lila_desktop.ui.widgets.banner import Banner
from lila_desktop.ui.widgets.bottom_tabs import BottomTabs
from lila_desktop.ui.widgets.first_run import FirstRunPanel
from lila_desktop.ui.widgets.main_area import MainArea
from lila_desktop.ui.widgets.number_panel import Fix, NumberPanel
from lila_desktop.ui.widgets.sessions_view import SessionsView
from lila_desktop.ui.widgets.summary_bar import SummaryBar
from lila_desktop.ui.window_menus import build_menus, set_icons

if TYPE_CHECKING:
    from lila_desktop.services.history import SessionHistory
    from lila_desktop.ui.widgets.backup_timeline import BackupTimeline
    from lila_desktop.ui.widgets.log_view import LogView
    from lila_desktop.ui.widgets.timeline_panel import TimelinePanel

logger = logging.getLogger(__name__)

_DETAIL_STYLE = {
    Severity.OK: "color: #1d6b34;",
    Severity.IDLE: "color: palette(text);",
    Severity.WORKING: "color: #8a6300;",
    Severity.ATTENTION: "color: #b3261e; font-weight: bold;",
}


def _starting_text() -> str:
    return QCoreApplication.translate("GuiApp", "Starting…")


class MainWindow(QMainWindow):
    quit_requested = Signal()
    add_requested = Signal()
    link_requested = Signal(str)
    send_requested = Signal(str)  # phone: send a test message from it
    import_requested = Signal()
    export_requested = Signal(str)
    settings_requested = Signal()
    about_requested = Signal()
    hidden_to_tray = Signal()  # first time the window went to the tray
    greeting_left = Signal()  # the list shows: first run done or skipped, or a number came

    def __init__(
        self,
        bridge: PoolBridge,
        log_path: Path,
        parent: QWidget | None = None,
        *,
        history: SessionHistory | None = None,
        starting: bool = False,
    ) -> None:
        super().__init__(parent)
        # Until the saved numbers are known (GuiApp: set_starting): the list, calm and
        # empty, saying "Starting…"; never the first-run greeting by mistake.
        self._starting = starting
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self.bridge = bridge
        self.history: SessionHistory | None = None
        self._unlisten: Callable[[], None] | None = None
        self.destroyed.connect(lambda *_: self._unlisten and self._unlisten())
        self._paged = False
        self._browsing = False  # the owner asked for a tab before any number existed
        # Set by the app: is there a tray to come back from? (checked at each close)
        self.can_hide_to_tray: Callable[[], bool] = lambda: False
        self._told_about_tray = False

        self.model = SessionTableModel(self, uptime_of=self._uptime_of)
        # The selected number's history changed: its "connected x % of 24 h" is
        # drawn again, at most once a second (a flapping number changes it often).
        self._detail_refresh = QTimer(self, singleShot=True, interval=1000)
        self._detail_refresh.timeout.connect(self._update_detail)
        self.table = SessionsView(self.model, self)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)

        self.banner_frame = Banner(self)
        self.banner, self.banner_close = self.banner_frame.label, self.banner_frame.close_button
        self.number_panel = NumberPanel(bridge, self)
        self.number_panel.fix_requested.connect(self._on_number_panel_fix_requested)
        self.detail = self.number_panel.detail
        self.link_panel = self.number_panel.link
        self.quota = QuotaMonitor(self)
        self.quota_label = QuotaLabel(self.quota, self)
        self.number_panel.box.addWidget(self.quota_label)
        self.number_panel.extras.append(self.quota_label)

        # Starting (GuiApp): the tabs' views come right after the window is mapped.
        self.tabs = BottomTabs(bridge, log_path, self, later=starting)
        self.tabs.export_requested.connect(self.export_requested)
        self.tabs.views_built.connect(self._set_tab_order)
        if history is not None:
            self.attach_history(history)

        self.summary_bar = SummaryBar(self)
        self.first_run = FirstRunPanel(bridge, self)
        self.first_run.done_pressed.connect(self._on_first_run_done_pressed)
        self.first_run.skip_pressed.connect(self._on_first_run_skip_pressed)
        self.main_area = MainArea(self.table, self.number_panel, self.tabs, self)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("window_pages")
        self.pages.addWidget(self.first_run)
        self.pages.addWidget(self.main_area)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.summary_bar)
        column.addWidget(self.banner_frame)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.actions_ = SessionActions(bridge, self, self.current_snapshot)
        self.actions_.link_requested.connect(self.link_requested)
        self.actions_.send_requested.connect(self.send_requested)
        self.actions_.failed.connect(self._on_actions_failed)
        self._build_menus()

        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        bridge.session_removed.connect(self._on_bridge_session_removed)
        self._set_tab_order()
        self.model.reset(bridge.snapshots())
        self.retranslate()
        self._select_first()
        self._update_page()

    # --- building ----------------------------------------------------------

    def _build_menus(self) -> None:
        signals = {
            "add": self.add_requested,
            "import": self.import_requested,
            "settings": self.settings_requested,
            "quit": self.quit_requested,
            "about": self.about_requested,
        }
        m = build_menus(
            self,
            self.actions_,
            signals,
            lambda: self.show_tab(self.tabs.log_view),
            lambda: self.show_tab(self.tabs.backups),
            lambda: self.show_tab(self.tabs.history_view),
            demo=self.bridge.transport == "simulated",
        )
        self.menus = m
        self.add_action, self.import_action = m.add_action, m.import_action
        self.settings_action, self.quit_action = m.settings_action, m.quit_action
        self.about_action, self.logs_action = m.about_action, m.logs_action
        self.backups_action, self.file_menu = m.backups_action, m.file_menu
        self.timeline_action = m.timeline_action
        self.number_menu, self.view_menu = m.number_menu, m.view_menu
        self.demo_menu, self.help_menu = m.demo_menu, m.help_menu
        self.toolbar = m.toolbar

    def _set_tab_order(self) -> None:
        """Tab: the list, what the selected number needs (its button, the code's
        buttons), then its timeline (tabs, range, the picture)."""
        link = self.link_panel
        chain: list[QWidget] = [
            self.table,
            self.number_panel.fix_button,
            link.pair_button,
            link.regenerate_button,
            link.simulate_button,
            self.tabs,
        ]
        if self.tabs.built:  # else again once they are (views_built)
            view = self.tabs.history_view
            chain += [*view.range_buttons.values(), view.canvas]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def retranslate(self) -> None:
        demo = self.bridge.transport == "simulated"
        self.setWindowTitle(self.tr("Lila Desktop") + (" — " + self.tr("demo") if demo else ""))
        self.add_action.setText(self.tr("&Add number…"))
        self.add_action.setToolTip(self.tr("Add a WhatsApp number and link it (Ctrl+N)"))
        self.import_action.setText(self.tr("&Import session…"))
        self.settings_action.setText(self.tr("&Settings…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.about_action.setText(self.tr("&About Lila Desktop"))
        self.logs_action.setText(self.tr("&Log"))
        self.backups_action.setText(self.tr("&Backups"))
        self.timeline_action.setText(self.tr("&Timeline"))
        self.file_menu.setTitle(self.tr("&File"))
        self.number_menu.setTitle(self.tr("&Number"))
        self.view_menu.setTitle(self.tr("&View"))
        if self.demo_menu is not None:
            self.demo_menu.setTitle(self.tr("&Demo"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.toolbar.setWindowTitle(self.tr("Toolbar"))
        self.tabs.retranslate()
        self.table.setAccessibleName(self.tr("Your WhatsApp numbers"))
        self.actions_.retranslate()
        self.model.retranslate()
        self._fit_columns()  # every header and label changed width
        self._update_summary()
        self._update_detail()
        self.quota_label.update_view()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            set_icons(self, self.menus, self.actions_)
        super().changeEvent(event)

    # --- selection ---------------------------------------------------------

    def current_snapshot(self) -> SessionSnapshot | None:
        index = self.table.selectionModel().currentIndex() if self.table.selectionModel() else None
        if index is None or not index.isValid():
            return None
        return self.model.snapshot_at(index.row())

    def select_phone(self, phone: str) -> None:
        row = self.model.row_of(phone)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _select_first(self) -> None:
        if self.model.rowCount() and self.current_snapshot() is None:
            self.select_phone(self.model.snapshot_at(0).phone)  # type: ignore[union-attr]

    def _on_table_current_changed(self, *_: object) -> None:
        snap = self.current_snapshot()
        self.tabs.set_phone(snap.phone if snap else None)
        self.quota.watch(snap.phone if snap else None)
        self.actions_.update_enabled()
        self._update_detail()

    def _on_table_activated(self) -> None:
        # Enter on a row: do what it needs (link inline, connect, take over), if anything.
        if self.number_panel.fix_button.isVisibleTo(self.number_panel):
            self.number_panel.fix_button.animateClick()
        elif self.link_panel.isVisibleTo(self.number_panel):
            self.link_panel.setFocus()
            self.link_panel.focusNextChild()

    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        if self.table.indexAt(pos).isValid():
            self.number_menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- bridge ------------------------------------------------------------

    def _fit_columns(self, *_: object) -> None:
        self.table.fit()

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        self.model.apply(batch)
        self.table.show_retry_column()
        self._select_first()
        self.actions_.update_enabled()
        shown = self.current_snapshot()
        # The detail area shows one number: redrawn only when that number changed
        # (up to 60 batches a second at 200 flapping numbers, bench_pool.py).
        if shown is None or any(s.phone == shown.phone for s in batch):
            self._update_detail()
        if self.model.statuses_changed:  # the summary counts statuses only
            self._update_summary()
        self._update_page()

    def _on_bridge_session_removed(self, phone: str) -> None:
        self.model.remove(phone)
        self._select_first()
        if self.model.rowCount() == 0:
            self.tabs.set_phone(None)
        self.actions_.update_enabled()
        self._update_detail()
        self._update_summary()
        self._update_page()

    def _on_actions_failed(self, text: str) -> None:
        self.show_banner(text, bad=True)

    def show_banner(self, text: str, *, bad: bool) -> None:
        self.banner_frame.say(text, bad=bad)

    def show_notification(self, title: str, body: str, bad: bool) -> None:
        """Used when there is no tray: the notice goes into the window itself."""
        self.show_banner(f"<b>{title}</b> — {body}", bad=bad)
        QApplication.alert(self)

    def set_starting(self, starting: bool) -> None:
        """False once the runtime started: the saved numbers are in the model now."""
        self._starting = starting
        self._paged = False  # choose the page again (first run, or the list and its greeting)
        self._update_summary()
        self._update_detail()
        self._update_page()

    def _update_detail(self) -> None:
        snap = self.current_snapshot()
        self.number_panel.show_snapshot(snap, self.model.uptime(snap.phone) if snap else None)
        if snap is None and self._starting:
            self.detail.setText(_starting_text())
            self.detail.setStyleSheet("")
            return
        if snap is None:
            self.detail.setText(
                self.tr("No number yet. Press Add number (Ctrl+N) to link your first one.")
                if self.model.rowCount() == 0
                else self.tr("Select a number to see what it needs.")
            )
            self.detail.setStyleSheet("")
            return
        if self.link_panel.isVisibleTo(self.number_panel):
            self.main_area.make_room()
        else:
            self.main_area.give_back()
        level = severity(snap.status)
        hints = (texts.status_hint(snap), texts.backup_failing_hint(snap))
        self.detail.setText(" ".join(h for h in hints if h))
        self.detail.setStyleSheet(_DETAIL_STYLE[level])

    def _update_summary(self) -> None:
        self.summary_bar.show_snapshots(self.model.snapshots(), starting=self._starting)

    def _update_page(self) -> None:
        """The first-run flow while there is no number (or the owner is inside it)."""
        first = not self._starting and (
            (self.model.rowCount() == 0 and not self._browsing) or self.first_run.in_progress
        )
        page = self.first_run if first else self.main_area
        if self.pages.currentWidget() is not page or not self._paged:
            self._paged = True  # the first call: the page was current, its focus not set
            self.pages.setCurrentWidget(page)
            if first:
                self.first_run.start_button.setFocus()  # Enter starts linking
            else:
                self._size_splitters()
                self.table.setFocus()
                if not self._starting:
                    self.greeting_left.emit()

    def show_tab(self, tab: QWidget) -> None:
        """Show a bottom tab (the log, the backups), even before the first number."""
        self._browsing = self.model.rowCount() == 0
        self.tabs.setCurrentWidget(tab)
        self._update_page()

    def _on_first_run_done_pressed(self, phone: str) -> None:
        self._update_page()
        self.select_phone(phone)

    def _on_first_run_skip_pressed(self) -> None:
        self._browsing = True  # the demo numbers follow (GuiApp seeds them on greeting_left)
        logger.info("first run skipped", extra={"event": "first_run_skipped"})
        self._update_page()

    def _on_number_panel_fix_requested(self, phone: str, fix: str) -> None:
        self.select_phone(phone)
        action = {
            Fix.CONNECT: self.actions_.connect_,
            Fix.TAKE_OVER: self.actions_.reconnect,
            Fix.RETRY: self.actions_.reconnect,
        }.get(fix)
        if action is not None and action.isEnabled():
            action.trigger()

    def _on_history_changed(self, phone: str) -> None:
        if alive(self):
            self.model.forget_uptime(phone)
            current = self.current_snapshot()
            selected = current is not None and current.phone == phone
            if selected and not self._detail_refresh.isActive():
                self._detail_refresh.start()

    def attach_history(self, history: SessionHistory) -> None:
        """The recorded history (the uptime column, the timeline tab); GuiApp opens it
        right after the window is mapped."""
        if self._unlisten is not None:
            self._unlisten()
        self.history = history
        self._unlisten = history.add_listener(self._on_history_changed)
        self.tabs.attach_history(history)
        for snap in self.model.snapshots():  # computed without a history, if any
            self.model.forget_uptime(snap.phone)

    @property
    def history_view(self) -> TimelinePanel:
        return self.tabs.history_view

    @property
    def timeline(self) -> BackupTimeline:
        """The backups tab (named for the backup timeline it draws)."""
        return self.tabs.backups

    @property
    def log_view(self) -> LogView:
        return self.tabs.log_view

    def _uptime_of(self, phone: str, now: float) -> float | None:
        if self.history is None:
            return None
        from lila_desktop.core.timeline import build_timeline  # after the window is mapped

        return build_timeline(self.history.events(phone), now - 86400, now).uptime

    # --- window ------------------------------------------------------------

    def bring_to_front(self) -> None:
        self.show()
        self.setWindowState(
            (self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        self.raise_()
        self.activateWindow()

    def _size_splitters(self) -> None:
        if self.isVisible():
            height = max(self.pages.height(), self.height() - 120)
            self.main_area.size_once(self.width(), height, self.link_panel.minimumWidth() + 24)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.pages.currentWidget() is self.main_area:
            self._size_splitters()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.can_hide_to_tray():
            event.ignore()
            self.hide()
            logger.info("window hidden to the tray", extra={"event": "ui_hidden"})
            if not self._told_about_tray:
                self._told_about_tray = True
                self.hidden_to_tray.emit()
            return
        event.ignore()  # the app shuts the pool down first, then quits
        self.quit_requested.emit()
