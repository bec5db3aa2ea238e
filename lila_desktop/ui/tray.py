"""The tray icon: one colour for all numbers, a menu of them, grouped notifications.

Notices that arrive within `GROUP_WINDOW_MS` of each other are grouped: one
number makes one notification, many make one "N numbers need attention"
(plus at most one "N are connected again"), so a network drop that takes
twenty numbers down does not make twenty pop-ups. A number that goes down
and comes back inside the window produces only its latest notice.

Without a tray host (`available` is False) nothing is drawn; notifications
are still emitted as `notified` for the window to show in its banner.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from lila_desktop.core.actions import NoticeKind
from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.core.status import Severity, overall_severity
from lila_desktop.ui import texts
from lila_desktop.ui.icons import status_icon, tray_icon

logger = logging.getLogger(__name__)

GROUP_WINDOW_MS = 1500
GOOD_NEWS = frozenset({NoticeKind.RECOVERED})


class TrayController(QObject):
    open_requested = Signal()
    quit_requested = Signal()
    number_activated = Signal(str)  # phone
    notified = Signal(str, str, bool)  # title, body, is_bad_news

    def __init__(
        self,
        *,
        notifications: bool = True,
        group_window_ms: int = GROUP_WINDOW_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.notifications = notifications
        self.severity = Severity.IDLE
        self._snapshots: dict[str, SessionSnapshot] = {}
        self._menu_key: tuple[object, ...] | None = None
        self._pending: dict[str, Notice] = {}
        self.sent: list[tuple[str, str]] = []  # what was shown, in order (tests, About)
        self._about: list[str] = []  # the numbers the last notification spoke of

        self._notice_group_timer = QTimer(self)
        self._notice_group_timer.setObjectName("notice_group_timer")
        self._notice_group_timer.setSingleShot(True)
        self._notice_group_timer.setInterval(group_window_ms)
        self._notice_group_timer.timeout.connect(self._on_notice_group_timer_timeout)

        self.menu = QMenu()
        self.menu.setObjectName("tray_menu")
        # A QMenu cannot have this QObject as its parent. Left to Python it would be
        # freed whenever the garbage collector runs, in whatever thread that is (a
        # worker's), and a widget destroyed off the GUI thread crashes Qt.
        self.destroyed.connect(self.menu.deleteLater)
        self.summary_action = QAction(self)
        self.summary_action.setEnabled(False)
        self.open_action = QAction(self)
        self.open_action.triggered.connect(self.open_requested)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.quit_requested)
        self._number_actions: list[QAction] = []

        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(tray_icon(self.severity), self)
            self.icon.setObjectName("tray_icon")
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._on_icon_activated)
            self.icon.messageClicked.connect(self._on_icon_message_clicked)
            self.icon.show()
        else:
            logger.info("no system tray on this desktop: notifications go to the window")
        self.retranslate()

    @property
    def available(self) -> bool:
        return self.icon is not None and QSystemTrayIcon.isSystemTrayAvailable()

    def retranslate(self) -> None:
        self.open_action.setText(self.tr("&Open Lila Desktop"))
        self.quit_action.setText(self.tr("&Quit"))
        self._menu_key = None
        self._refresh()

    # --- state -------------------------------------------------------------

    def update_snapshots(self, batch: list[SessionSnapshot]) -> None:
        for snap in batch:
            self._snapshots[snap.phone] = snap
        self._refresh()

    def remove(self, phone: str) -> None:
        self._snapshots.pop(phone, None)
        self._pending.pop(phone, None)
        self._refresh()

    def _refresh(self) -> None:
        snaps = sorted(self._snapshots.values(), key=lambda s: s.phone)
        level = overall_severity([s.status for s in snaps])
        if any(s.backup_error is not None for s in snaps):
            level = Severity.ATTENTION  # no backup is being kept: the owner must know
        summary = texts.severity_label(level)
        if level is not self.severity:
            logger.info(
                "tray severity %s", level.value, extra={"event": "tray", "severity": level.value}
            )
        self.severity = level
        if self.icon is not None:
            self.icon.setIcon(tray_icon(level))
            failing = sum(1 for s in snaps if s.backup_error is not None)
            extra = f" — {texts.backups_failing(failing)}" if failing else ""
            self.icon.setToolTip(f"Lila Desktop — {summary}{extra}")
        key = (summary, *((s.phone, s.name, s.status, s.backup_error) for s in snaps))
        if key != self._menu_key:  # an open menu must not flicker on every countdown
            self._menu_key = key
            self._rebuild_menu(summary, snaps)

    def _rebuild_menu(self, summary: str, snaps: list[SessionSnapshot]) -> None:
        self.menu.clear()  # also deletes the number actions, which the menu owns
        self._number_actions = []
        self.summary_action.setText(summary)
        self.summary_action.setIcon(tray_icon(self.severity))
        self.menu.addAction(self.summary_action)
        self.menu.addSeparator()
        for snap in snaps:
            state = texts.with_backup_state(snap, texts.status_label(snap.status))
            label = f"{texts.who(snap.phone, snap.name)} — {state}"
            action = QAction(status_icon(snap.status), label.replace("&", "&&"), self.menu)
            action.triggered.connect(lambda _=False, p=snap.phone: self.number_activated.emit(p))
            self.menu.addAction(action)
            self._number_actions.append(action)
        if snaps:
            self.menu.addSeparator()
        self.menu.addAction(self.open_action)
        self.menu.addAction(self.quit_action)

    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    # --- notifications -----------------------------------------------------

    def notify(self, notice: Notice) -> None:
        """Queue a notice; the group timer turns the queue into few notifications."""
        self._pending[notice.phone] = notice  # the latest word about a number wins
        if not self._notice_group_timer.isActive():
            self._notice_group_timer.start()

    def _on_notice_group_timer_timeout(self) -> None:
        self.flush_notices()

    def flush_notices(self) -> None:
        pending = list(self._pending.values())
        self._pending.clear()
        bad = [n for n in pending if n.kind not in GOOD_NEWS]
        good = [n for n in pending if n.kind in GOOD_NEWS]
        if pending:  # a click opens the number that needs the owner (the first of a group)
            self._about = [n.phone for n in (bad or good)]
        if len(bad) == 1:
            self._show_one(bad[0], True)
        elif bad:
            names = ", ".join(texts.who(n.phone, n.name) for n in bad[:4])
            more = len(bad) - 4
            body = names + (f" (+{more})" if more > 0 else "")
            self._show(texts.group_title(len(bad)), body, True)
        if len(good) == 1:
            self._show_one(good[0], False)
        elif good:
            body = ", ".join(texts.who(n.phone, n.name) for n in good[:4])
            self._show(texts.recovered_group_title(len(good)), body, False)

    def _show_one(self, n: Notice, bad: bool) -> None:
        title = texts.notice_title(n.kind, texts.who(n.phone, n.name))
        self._show(title, texts.notice_body(n), bad)

    def _show(self, title: str, body: str, bad: bool) -> None:
        if not self.notifications:
            return
        self.sent.append((title, body))
        logger.info("notification shown", extra={"event": "notification", "title": title})
        if self.available and self.icon is not None:
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if bad
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.icon.showMessage(title, body, icon, 10_000)
        self.notified.emit(title, body, bad)

    def _on_icon_message_clicked(self) -> None:
        """A click on the notification opens the number it spoke of (the first of a group)."""
        about = [p for p in self._about if p in self._snapshots]
        logger.info(
            "notification clicked",
            extra={"event": "notification_clicked", "phone": about[0] if about else None},
        )
        if about:
            self.number_activated.emit(about[0])
        else:
            self.open_requested.emit()

    def tell(self, title: str, body: str) -> None:
        """A one-off message that is not a notice (e.g. "still running in the tray")."""
        if self.available and self.icon is not None:
            self._about = []  # a click on this one just opens the window
            self.icon.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8_000)

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
