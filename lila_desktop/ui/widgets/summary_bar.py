"""The line at the top of the window: all numbers well, or how many need the owner."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Severity
from lila_desktop.ui import timeline_texts as words
from lila_desktop.ui.icons import severity_icon

_STYLE = {
    Severity.OK: "color: #1d6b34;",
    Severity.IDLE: "",
    Severity.WORKING: "color: #8a6300;",
    Severity.ATTENTION: "color: #b3261e;",
}


class SummaryBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary_bar")
        self.level = Severity.IDLE
        self.icon = QLabel(self)
        self.icon.setObjectName("summary_icon")
        self.text = QLabel(self)
        self.text.setObjectName("summary_text")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.text.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.text.setFont(font)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 2)
        row.addWidget(self.icon)
        row.addWidget(self.text, 1)

    def show_snapshots(self, snaps: list[SessionSnapshot]) -> None:
        text, level = words.summary([s.status for s in snaps])
        self.level = level
        side = self.text.fontMetrics().height()
        self.icon.setPixmap(severity_icon(level).pixmap(QSize(side, side)))
        self.icon.setToolTip(words.severity_tooltip(level))
        self.text.setText(text)
        self.text.setStyleSheet(_STYLE[level])
        self.setAccessibleName(text)
        self.text.setAccessibleName(text)
