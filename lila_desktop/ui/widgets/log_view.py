"""The log view: the app's own log file, newest at the bottom, filterable.

Polls `logs/combined.log` once a second while visible (the named
`log_poll_timer`); reading is incremental and off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.models.logs import LEVELS, Column, LogFilterProxy, LogModel, LogTail

POLL_MS = 1000


class LogView(QWidget):
    def __init__(self, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("log_view")
        self.tail = LogTail(log_path)
        self.model = LogModel(self)
        self.proxy = LogFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._reading = False

        self.level_label = QLabel(self)
        self.level_combo = QComboBox(self)
        self.level_combo.setObjectName("level_combo")
        self.level_label.setBuddy(self.level_combo)
        self.level_combo.currentIndexChanged.connect(self._on_level_combo_changed)
        self.phone_label = QLabel(self)
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setObjectName("log_phone_edit")
        self.phone_edit.setMaximumWidth(160)
        self.phone_label.setBuddy(self.phone_edit)
        self.phone_edit.textChanged.connect(self.proxy.set_phone)
        self.text_label = QLabel(self)
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("log_text_edit")
        self.text_label.setBuddy(self.text_edit)
        self.text_edit.textChanged.connect(self.proxy.set_text)

        self.table = QTableView(self)
        self.table.setObjectName("log_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        for column in (Column.TIME, Column.LEVEL, Column.NUMBER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.MESSAGE, QHeaderView.ResizeMode.Stretch)

        filters = QHBoxLayout()
        filters.addWidget(self.level_label)
        filters.addWidget(self.level_combo)
        filters.addSpacing(12)
        filters.addWidget(self.phone_label)
        filters.addWidget(self.phone_edit)
        filters.addSpacing(12)
        filters.addWidget(self.text_label)
        filters.addWidget(self.text_edit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._log_poll_timer = QTimer(self)
        self._log_poll_timer.setObjectName("log_poll_timer")
        self._log_poll_timer.setInterval(POLL_MS)
        self._log_poll_timer.timeout.connect(self.poll)
        self.retranslate()

    def retranslate(self) -> None:
        self.level_label.setText(self.tr("&Level:"))
        self.phone_label.setText(self.tr("N&umber:"))
        self.text_label.setText(self.tr("&Search:"))
        self.text_edit.setPlaceholderText(self.tr("words in the message"))
        self.table.setAccessibleName(self.tr("Log lines"))
        names = [
            self.tr("Everything"),
            self.tr("Info and above"),
            self.tr("Warnings and errors"),
            self.tr("Errors only"),
        ]
        current = max(self.level_combo.currentIndex(), 1)
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        self.level_combo.addItems(names)
        self.level_combo.setCurrentIndex(current)
        self.level_combo.blockSignals(False)
        self._on_level_combo_changed(current)
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _on_level_combo_changed(self, index: int) -> None:
        self.proxy.set_min_level(LEVELS[max(0, min(index, 3))])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Here, not at construction: its icon is a theme lookup (~6 ms) that would
        # delay the window's first map, and the log is not the tab that shows first.
        if not self.text_edit.isClearButtonEnabled():
            self.text_edit.setClearButtonEnabled(True)
        self._log_poll_timer.start()
        self.poll()

    def hideEvent(self, event: QHideEvent) -> None:
        self._log_poll_timer.stop()
        super().hideEvent(event)

    @async_slot
    async def poll(self) -> None:
        if self._reading:
            return  # a slow disk: never queue reads behind each other
        self._reading = True
        try:
            entries = await self.tail.read_new()
        finally:
            self._reading = False
        if not entries or not alive(self):
            return
        bar = self.table.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        self.model.append(entries)
        if at_bottom:
            self.table.scrollToBottom()
