"""The notice strip under the summary line: good or bad news, with a close button."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_FRAME = {
    True: "background: #fbe9e7; border: 1px solid #f1b6ae; border-radius: 4px;",
    False: "background: #e8f5e9; border: 1px solid #a9d5b2; border-radius: 4px;",
}
_TEXT = {True: "color: #8f231a;", False: "color: #1d6b34;"}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner_frame")
        self.label = QLabel(self)
        self.label.setObjectName("notice_banner")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("banner_close")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.setAccessibleName(self.tr("Dismiss"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def say(self, text: str, *, bad: bool) -> None:
        self.setStyleSheet(f"#banner_frame {{{_FRAME[bad]}}}")
        self.label.setStyleSheet(_TEXT[bad])
        self.label.setText(text)
        self.label.setAccessibleName(self.label.text())
        self.show()
