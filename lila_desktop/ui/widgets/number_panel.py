"""The detail area of the selected number: its light and status, what to do in
plain words with the one button that does it, and the QR or pairing code
inline while it waits to be linked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Severity, Status, severity
from lila_desktop.ui import texts
from lila_desktop.ui import timeline_texts as words
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.icons import severity_icon
from lila_desktop.ui.widgets.link_panel import WAITING, LinkPanel


class Fix:
    """The one thing the owner can do about a status (button of the detail area)."""

    LINK = "link"  # show a new QR right here
    CONNECT = "connect"
    TAKE_OVER = "take_over"
    RETRY = "retry"


_FIX = {
    Status.LOGGED_OUT: Fix.LINK,
    Status.STOPPED: Fix.CONNECT,
    Status.FAILED: Fix.CONNECT,
    Status.REPLACED: Fix.TAKE_OVER,
    Status.RECONNECTING: Fix.RETRY,
}


class NumberPanel(QWidget):
    fix_requested = Signal(str, str)  # phone, Fix

    def __init__(self, bridge: PoolBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("number_panel")
        self.bridge = bridge
        self.snap: SessionSnapshot | None = None
        self.light = QLabel(self)
        self.light.setObjectName("number_light")
        self.title = QLabel(self)
        self.title.setObjectName("number_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.title.font())
        bold.setPointSizeF(bold.pointSizeF() * 1.25)
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setObjectName("detail_label")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel(self)
        self.facts.setObjectName("facts_label")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.fix_button = QPushButton(self)
        self.fix_button.setObjectName("fix_button")
        self.fix_button.clicked.connect(self._on_fix_button_clicked)
        self.fix_button.hide()
        self.link = LinkPanel(bridge, self)
        self.link.hide()
        self.extras: list[QWidget] = []  # more lines below (the quota), hidden while linking

        head = QHBoxLayout()
        head.addWidget(self.light, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.title, 1)
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.fix_button)
        fix_row.addStretch(1)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(8, 4, 8, 4)
        self.box.addLayout(head)
        self.box.addWidget(self.detail)
        self.box.addWidget(self.facts)
        self.box.addLayout(fix_row)
        self.box.addWidget(self.link)
        self.box.addStretch(1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_snapshot(self.snap)
        super().changeEvent(event)

    def show_snapshot(self, snap: SessionSnapshot | None, uptime: float | None = None) -> None:
        """Redraw for `snap` (None: nothing selected). The hint text is set by the window."""
        previous, self.snap = self.snap, snap
        if snap is None:
            self.light.clear()
            self.title.clear()
            self.facts.clear()
            self.fix_button.hide()
            self.link.hide()
            self.link.set_phone(None)
            return
        if previous is None or previous.phone != snap.phone:
            self.link.set_phone(snap.phone)
        level = severity(snap.status)
        side = self.title.fontMetrics().height()
        self.light.setPixmap(severity_icon(level).pixmap(QSize(side, side)))
        self.light.setToolTip(words.severity_tooltip(level))
        self.light.setAccessibleName(words.severity_tooltip(level))
        self.title.setText(
            f"{texts.who(snap.phone, snap.name)} — {texts.status_label(snap.status)}"
        )
        self.facts.setText(self._facts(snap, uptime))
        waiting = snap.status in WAITING
        linking_here = self.link.linking_started and snap.status in (Status.CONNECTING, *WAITING)
        self.link.setVisible(waiting or linking_here)
        fix = _FIX.get(snap.status)
        if fix is not None:
            label = self.fix_label(fix)
            self.fix_button.setText(label)
            self.fix_button.setAccessibleName(label.replace("&", ""))
            self.fix_button.setProperty("fix", fix)
            self.fix_button.setDefault(level is Severity.ATTENTION)
        linking = self.link.isVisibleTo(self)
        self.fix_button.setVisible(fix is not None and not linking)
        self._linking_view(linking)

    def _linking_view(self, linking: bool) -> None:
        """While the code shows, it gets the room: the code's own steps say what to do."""
        for widget in (self.detail, self.facts, *self.extras):
            widget.setVisible(not linking)
        if linking:
            self.fix_button.hide()

    def _facts(self, snap: SessionSnapshot, uptime: float | None) -> str:
        lines = []
        if snap.since:
            lines.append(self.tr("In this state since %1").replace("%1", texts.when(snap.since)))
        lines.append(
            self.tr("Last backup: %1").replace("%1", texts.when(snap.last_backup_at))
            if snap.last_backup_at
            else self.tr("No backup yet")
        )
        if uptime is not None:
            lines.append(
                self.tr("Connected %1 of the last 24 hours").replace(
                    "%1", words.uptime_text(uptime)
                )
            )
        return "\n".join(lines)

    def fix_label(self, fix: str) -> str:
        return {
            Fix.LINK: self.tr("&Link again (new QR code)"),
            Fix.CONNECT: self.tr("&Connect"),
            Fix.TAKE_OVER: self.tr("&Take it back on this computer"),
            Fix.RETRY: self.tr("&Try again now"),
        }[fix]

    def _on_fix_button_clicked(self) -> None:
        fix = self.fix_button.property("fix")
        if self.snap is None or not fix:
            return
        if fix == Fix.LINK:
            self.link.setVisible(True)
            self._linking_view(True)
            self.link.start()
            return
        self.fix_requested.emit(self.snap.phone, str(fix))
