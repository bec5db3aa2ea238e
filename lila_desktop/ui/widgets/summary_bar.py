"""The line at the top of the window: all numbers well, or how many need the owner."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
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

_REDRAW_ON = (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.StyleChange)


class SummaryBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary_bar")
        self.level = Severity.IDLE
        self._shown: tuple[str, Severity] | None = None
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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _REDRAW_ON:
            self._shown = None  # the icon follows the palette and the font: redraw next time
        super().changeEvent(event)

    def show_snapshots(self, snaps: list[SessionSnapshot]) -> None:
        text, level = words.summary([s.status for s in snaps])
        if (text, level) == self._shown:
            return  # a style sheet set again re-polishes the label: only on a change
        self._shown = (text, level)
        self.level = level
        side = self.text.fontMetrics().height()
        self.icon.setPixmap(severity_icon(level).pixmap(QSize(side, side)))
        self.icon.setToolTip(words.severity_tooltip(level))
        self.text.setText(text)
        self.text.setStyleSheet(_STYLE[level])
        self.setAccessibleName(text)
        self.text.setAccessibleName(text)
