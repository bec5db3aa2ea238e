"""The main window: the sessions table, what the selected number needs and its
message quota, its backup timeline and the log; menus, toolbar, context menu
and shortcuts for everything.

The window holds no pool state of its own: it shows the bridge's snapshots
(through the table model) and sends requests through the bridge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Severity, severity
from lila_desktop.ui import texts
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.icons import app_icon
from lila_desktop.ui.models.sessions import Column, SessionTableModel, fit_columns
from lila_desktop.ui.quota_monitor import QuotaLabel, QuotaMonitor
from lila_desktop.ui.session_actions import SessionActions
from lila_desktop.ui.widgets.backup_timeline import BackupTimeline
from lila_desktop.ui.widgets.log_view import LogView

logger = logging.getLogger(__name__)

_BANNER_STYLE = {
    True: "background: #fbe9e7; border: 1px solid #f1b6ae; border-radius: 4px;",
    False: "background: #e8f5e9; border: 1px solid #a9d5b2; border-radius: 4px;",
}
_BANNER_TEXT = {True: "color: #8f231a;", False: "color: #1d6b34;"}
_DETAIL_STYLE = {
    Severity.OK: "color: #1d6b34;",
    Severity.IDLE: "color: palette(text);",
    Severity.WORKING: "color: #8a6300;",
    Severity.ATTENTION: "color: #b3261e; font-weight: bold;",
}


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

    def __init__(self, bridge: PoolBridge, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self.bridge = bridge
        # Set by the app: is there a tray to come back from? (checked at each close)
        self.can_hide_to_tray: Callable[[], bool] = lambda: False
        self._told_about_tray = False

        self.model = SessionTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("sessions_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move on
        header = self.table.horizontalHeader()
        # Fitted to the contents when rows arrive, not live: ResizeToContents
        # measures every row again on each dataChanged, which froze the window
        # with 200 numbers flapping (bench/bench_pool.py: loop lag p99 1.8 s).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(90)
        self.model.rowsInserted.connect(self._fit_columns)
        self.model.modelReset.connect(self._fit_columns)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)

        self.banner_frame = QFrame(self)
        self.banner_frame.setObjectName("banner_frame")
        self.banner = QLabel(self.banner_frame)
        self.banner.setObjectName("notice_banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_close = QToolButton(self.banner_frame)
        self.banner_close.setObjectName("banner_close")
        self.banner_close.setText("✕")
        self.banner_close.setAutoRaise(True)
        self.banner_close.clicked.connect(self.banner_frame.hide)
        banner_row = QHBoxLayout(self.banner_frame)
        banner_row.setContentsMargins(8, 4, 4, 4)
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.banner_close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner_frame.hide()
        self.detail = QLabel(self)
        self.detail.setObjectName("detail_label")
        self.detail.setMinimumHeight(self.fontMetrics().height() * 2 + 8)
        self.detail.setContentsMargins(6, 4, 6, 4)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quota = QuotaMonitor(self)
        self.quota_label = QuotaLabel(self.quota, self)

        self.timeline = BackupTimeline(bridge, self)
        self.timeline.export_requested.connect(self.export_requested)
        self.log_view = LogView(log_path, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("bottom_tabs")
        self.tabs.addTab(self.timeline, "")
        self.tabs.addTab(self.log_view, "")

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.banner_frame)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.detail)
        top_layout.addWidget(self.quota_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self.actions_ = SessionActions(bridge, self, self.current_snapshot)
        self.actions_.link_requested.connect(self.link_requested)
        self.actions_.send_requested.connect(self.send_requested)
        self.actions_.failed.connect(self._on_actions_failed)
        self._build_menus()
        self.summary = QLabel(self)
        self.summary.setObjectName("summary_label")
        self.statusBar().addPermanentWidget(self.summary)

        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        bridge.session_removed.connect(self._on_bridge_session_removed)
        self.model.reset(bridge.snapshots())
        self.retranslate()
        self._select_first()

    # --- building ----------------------------------------------------------

    def _build_menus(self) -> None:
        def make(
            name: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
            signal: SignalInstance | None = None,
        ) -> QAction:
            action = QAction(self)
            action.setObjectName(name)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if signal is not None:
                action.triggered.connect(lambda _=False: signal.emit())
            return action

        self.add_action = make("add_action", QKeySequence.StandardKey.New, self.add_requested)
        self.import_action = make("import_action", "Ctrl+I", self.import_requested)
        self.settings_action = make("settings_action", "Ctrl+,", self.settings_requested)
        self.quit_action = make("quit_action", QKeySequence.StandardKey.Quit, self.quit_requested)
        self.about_action = make("about_action", None, self.about_requested)
        self.logs_action = make("show_log_action", "Ctrl+Shift+L")
        self.logs_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.log_view))
        self.backups_action = make("show_backups_action", "Ctrl+Shift+B")
        self.backups_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.timeline))

        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        for item in (
            self.add_action,
            self.import_action,
            None,
            self.settings_action,
            None,
            self.quit_action,
        ):
            self.file_menu.addSeparator() if item is None else self.file_menu.addAction(item)
        self.number_menu = bar.addMenu("")
        a = self.actions_
        for item in (
            a.link,
            a.connect_,
            a.disconnect_,
            a.reconnect,
            None,
            a.send_test,
            None,
            a.rename,
            a.logout,
            a.remove,
        ):
            self.number_menu.addSeparator() if item is None else self.number_menu.addAction(item)
        self.view_menu = bar.addMenu("")
        self.view_menu.addAction(self.backups_action)
        self.view_menu.addAction(self.logs_action)
        self.demo_menu = None
        if self.bridge.transport == "simulated":
            self.demo_menu = bar.addMenu("")
            self.demo_menu.setObjectName("demo_menu")
            for action in a.simulations:
                self.demo_menu.addAction(action)
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.about_action)

        tools = QToolBar(self)
        tools.setObjectName("main_toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addAction(self.add_action)
        tools.addSeparator()
        for action in (a.link, a.connect_, a.disconnect_, a.reconnect, a.logout, a.remove):
            tools.addAction(action)
        tools.addSeparator()
        tools.addAction(a.send_test)
        self.addToolBar(tools)
        self.toolbar = tools

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
        self.file_menu.setTitle(self.tr("&File"))
        self.number_menu.setTitle(self.tr("&Number"))
        self.view_menu.setTitle(self.tr("&View"))
        if self.demo_menu is not None:
            self.demo_menu.setTitle(self.tr("&Demo"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.tabs.setTabText(0, self.tr("&Backups"))
        self.tabs.setTabText(1, self.tr("Lo&g"))
        self.actions_.retranslate()
        self.model.retranslate()
        self._fit_columns()  # every header and label changed width
        self._update_summary()
        self._update_detail()
        self.quota_label.update_view()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
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
        self.timeline.set_phone(snap.phone if snap else None)
        self.quota.watch(snap.phone if snap else None)
        self.actions_.update_enabled()
        self._update_detail()

    def _on_table_activated(self) -> None:
        if self.actions_.link.isEnabled():
            self.actions_.link.trigger()

    def _on_table_context_menu_requested(self, pos: QPoint) -> None:
        if self.table.indexAt(pos).isValid():
            self.number_menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- bridge ------------------------------------------------------------

    def _fit_columns(self, *_: object) -> None:
        fit_columns(self.table, self.model)

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        self.model.apply(batch)
        self._select_first()
        self.actions_.update_enabled()
        self._update_detail()
        self._update_summary()

    def _on_bridge_session_removed(self, phone: str) -> None:
        self.model.remove(phone)
        self._select_first()
        if self.model.rowCount() == 0:
            self.timeline.set_phone(None)
        self.actions_.update_enabled()
        self._update_detail()
        self._update_summary()

    def _on_actions_failed(self, text: str) -> None:
        self.show_banner(text, bad=True)

    def show_banner(self, text: str, *, bad: bool) -> None:
        self.banner_frame.setStyleSheet(f"#banner_frame {{{_BANNER_STYLE[bad]}}}")
        self.banner.setStyleSheet(_BANNER_TEXT[bad])
        self.banner.setText(text)
        self.banner_close.setToolTip(self.tr("Dismiss"))
        self.banner_frame.show()

    def show_notification(self, title: str, body: str, bad: bool) -> None:
        """Used when there is no tray: the notice goes into the window itself."""
        self.show_banner(f"<b>{title}</b> — {body}", bad=bad)
        QApplication.alert(self)

    def _update_detail(self) -> None:
        snap = self.current_snapshot()
        if snap is None:
            self.detail.setText(
                self.tr("No number yet. Press Add number (Ctrl+N) to link your first one.")
                if self.model.rowCount() == 0
                else ""
            )
            self.detail.setStyleSheet("")
            return
        level = severity(snap.status)
        text = f"{texts.who(snap.phone, snap.name)}: {texts.status_label(snap.status)}"
        hint = " ".join(h for h in (texts.status_hint(snap), texts.backup_failing_hint(snap)) if h)
        self.detail.setText(f"{text}. {hint}" if hint else text)
        self.detail.setStyleSheet(_DETAIL_STYLE[level])

    def _update_summary(self) -> None:
        snaps = self.model.snapshots()
        connected = sum(1 for s in snaps if s.is_connected)
        attention = sum(1 for s in snaps if severity(s.status) is Severity.ATTENTION)
        text = (
            self.tr("%1 of %2 connected")
            .replace("%1", str(connected))
            .replace("%2", str(len(snaps)))
        )
        if attention:
            text += " · " + self.tr("%1 need you").replace("%1", str(attention))
        self.summary.setText(text)

    # --- window ------------------------------------------------------------

    def bring_to_front(self) -> None:
        self.show()
        self.setWindowState(
            (self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        self.raise_()
        self.activateWindow()

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
