"""The main view's two splitters: the list beside the selected number's detail,
above the timeline/backups/log tabs; sized once for the screen, and giving the
inline code the room it needs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget


class MainArea(QSplitter):
    def __init__(self, table: QWidget, detail: QWidget, tabs: QWidget, parent: QWidget) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("main_area")
        self.side = QSplitter(Qt.Orientation.Horizontal, self)
        self.side.setObjectName("table_detail_splitter")
        self.side.addWidget(table)
        self.side.addWidget(detail)
        self.side.setStretchFactor(0, 3)
        self.side.setStretchFactor(1, 2)
        self.side.setChildrenCollapsible(False)
        self.detail, self.tabs = detail, tabs
        self.addWidget(self.side)
        self.addWidget(tabs)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self.setChildrenCollapsible(False)
        self.setCollapsible(1, True)  # a short screen gives the code all the room
        self.sized = False
        self._saved: list[int] | None = None  # the sizes before the code took room

    def size_once(self, width: int, height: int, min_detail: int) -> None:
        """Room for the code and its steps on the detail side; about a third of the
        height for the tabs below. Once: after that the owner's dragging rules."""
        if self.sized:
            return
        self.sized = True
        detail = max(min_detail, int(width * 0.36))
        self.side.setSizes([max(1, width - detail), detail])
        bottom = max(self.tabs.minimumSizeHint().height(), int(height * 0.36))
        self.setSizes([max(1, height - bottom), bottom])

    def make_room(self) -> None:
        """The detail (with the inline code) is never cut: the tabs below give way, all
        of them on a short screen such as 1366×768 at 150 %."""
        if not self.sized:
            return
        top, bottom = self.sizes()
        need = _least_height(self.detail)
        if top < need:
            rest = top + bottom - need
            if rest < _least_height(self.tabs):
                need, rest = top + bottom, 0  # too little for the tabs: none of them
            if self._saved is None:
                self._saved = [top, bottom]
            self.setSizes([need, rest])

    def give_back(self) -> None:
        """The code is gone: the tabs get their room back."""
        if self._saved is not None:
            self.setSizes(self._saved)
            self._saved = None


def _least_height(widget: QWidget) -> int:
    return max(widget.minimumSizeHint().height(), widget.minimumHeight())
