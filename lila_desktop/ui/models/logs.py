"""The log view's data: an incremental tail of `logs/combined.log` and a filterable model.

The file is the same JSON-lines log the app writes (services.logs); reading
happens in a worker thread, a bounded chunk at a time, starting near the end
of a big file, so the window never waits on the disk. Rotation (the file
shrinks or is replaced) starts the tail again at the top of the new file.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from lila_desktop.ui import texts

Index = QModelIndex | QPersistentModelIndex

INITIAL_BYTES = 512 * 1024  # on open, only the last half megabyte
CHUNK_BYTES = 1024 * 1024  # at most this much per poll
MAX_ROWS = 5000
LEVELS = ("debug", "info", "warning", "error", "critical")


@dataclass(frozen=True)
class LogEntry:
    ts: float
    level: str
    logger: str
    msg: str
    phone: str
    event: str

    @classmethod
    def parse(cls, line: str) -> LogEntry | None:
        try:
            data = json.loads(line)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        level = str(data.get("level", "info")).lower()
        return cls(
            ts=float(data.get("ts") or 0.0),
            level=level if level in LEVELS else "info",
            logger=str(data.get("logger", "")),
            msg=str(data.get("msg", "")),
            phone=str(data.get("phone") or ""),
            event=str(data.get("event") or ""),
        )


class LogTail:
    """Reads what was appended to a log file since the last call."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset: int | None = None
        self._inode: int | None = None
        self._partial = b""

    async def read_new(self) -> list[LogEntry]:
        return await asyncio.to_thread(self._read_sync)

    def _read_sync(self) -> list[LogEntry]:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return []
        skip_first = False
        if self._offset is None:
            self._offset = max(0, info.st_size - INITIAL_BYTES)
            skip_first = self._offset > 0  # we start mid-line
        elif info.st_ino != self._inode or info.st_size < self._offset:
            self._offset, self._partial = 0, b""  # rotated
        self._inode = info.st_ino
        if info.st_size == self._offset:
            return []
        with open(self.path, "rb") as fh:
            fh.seek(self._offset)
            data = fh.read(CHUNK_BYTES)
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()  # an unfinished last line waits for the next call
        if skip_first and lines:
            lines.pop(0)
        out = []
        for raw in lines:
            entry = LogEntry.parse(raw.decode("utf-8", "replace"))
            if entry is not None:
                out.append(entry)
        return out


class Column(IntEnum):
    TIME = 0
    LEVEL = 1
    NUMBER = 2
    MESSAGE = 3


ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
_LEVEL_COLOUR = {
    "warning": QColor("#8a6300"),
    "error": QColor("#b3261e"),
    "critical": QColor("#b3261e"),
}


class LogModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None, *, max_rows: int = MAX_ROWS) -> None:
        super().__init__(parent)
        self._rows: list[LogEntry] = []
        self._max_rows = max_rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = {
            Column.TIME: QCoreApplication.translate("LogModel", "Time"),
            Column.LEVEL: QCoreApplication.translate("LogModel", "Level"),
            Column.NUMBER: QCoreApplication.translate("LogModel", "Number"),
            Column.MESSAGE: QCoreApplication.translate("LogModel", "Message"),
        }
        return names.get(Column(section)) if 0 <= section < len(Column) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column is Column.TIME:
                return texts.when(entry.ts)
            if column is Column.LEVEL:
                return entry.level
            if column is Column.NUMBER:
                return f"+{entry.phone}" if entry.phone else ""
            return entry.msg
        if role == Qt.ItemDataRole.ForegroundRole and column in (Column.LEVEL, Column.MESSAGE):
            return _LEVEL_COLOUR.get(entry.level)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.MESSAGE:
            return f"{entry.logger}: {entry.msg}"
        if role == ENTRY_ROLE:
            return entry
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def append(self, entries: list[LogEntry]) -> None:
        if not entries:
            return
        entries = entries[-self._max_rows :]
        overflow = len(self._rows) + len(entries) - self._max_rows
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._rows[:overflow]
            self.endRemoveRows()
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self._rows.extend(entries)
        self.endInsertRows()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)


class LogFilterProxy(QSortFilterProxyModel):
    """Minimum level, a number, and free text (message or logger name)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._min_level = 0
        self._phone = ""
        self._text = ""

    def set_min_level(self, level: str) -> None:
        self._begin()
        self._min_level = LEVELS.index(level)
        self._end()

    def set_phone(self, phone: str) -> None:
        self._begin()
        self._phone = "".join(c for c in phone if c.isdigit())
        self._end()

    def set_text(self, text: str) -> None:
        self._begin()
        self._text = text.strip().casefold()
        self._end()

    # Qt 6.10 replaced invalidateRowsFilter() with begin/endFilterChange();
    # the pin still allows 6.8, so use whichever this Qt has.
    def _begin(self) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        entry = model.data(model.index(source_row, 0, source_parent), ENTRY_ROLE)
        if not isinstance(entry, LogEntry):
            return False
        if LEVELS.index(entry.level) < self._min_level:
            return False
        if self._phone and self._phone not in entry.phone:
            return False
        text = self._text
        return not text or text in entry.msg.casefold() or text in entry.logger.casefold()
