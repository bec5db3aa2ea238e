"""The table of numbers: one row each, columns fitted to what they can show,
"Next retry" only while some number waits to retry."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from lila_desktop.core.status import Status
from lila_desktop.ui.models.sessions import Column, SessionTableModel, fit_columns

_RETRYING = (Status.RECONNECTING, Status.TEMP_BANNED)


class SessionsView(QTableView):
    def __init__(self, model: SessionTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessions_table")
        self.setModel(model)
        self.sessions = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setTabKeyNavigation(False)  # Tab leaves the table: keyboard users move on
        header = self.horizontalHeader()
        # Fitted to the contents when rows arrive, not live: ResizeToContents
        # measures every row again on each dataChanged, which froze the window
        # with 200 numbers flapping (bench/bench_pool.py: loop lag p99 1.8 s).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(90)
        model.rowsInserted.connect(self.fit)
        model.modelReset.connect(self.fit)

    def fit(self, *_: object) -> None:
        # No rows yet (the window starting): nothing to fit, and the style's metrics
        # (~10 ms of PySide types) wait until after the window is mapped.
        if self.sessions.rowCount():
            fit_columns(self, self.sessions)
        self.show_retry_column()

    def show_retry_column(self) -> None:
        # "Next retry" only matters while some number waits to retry: room for names otherwise.
        waiting = any(s.status in _RETRYING for s in self.sessions.snapshots())
        if self.isColumnHidden(Column.NEXT_RETRY) == waiting:
            self.setColumnHidden(Column.NEXT_RETRY, not waiting)
