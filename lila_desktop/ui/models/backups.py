"""The backup timeline of one number: newest first, time, reason and size."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from lila_desktop.core.status import Severity
from lila_desktop.services.vault import BackupInfo
from lila_desktop.ui import texts
from lila_desktop.ui.icons import severity_icon

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    TIME = 0
    REASON = 1
    SIZE = 2


class Role(IntEnum):
    BACKUP = Qt.ItemDataRole.UserRole + 1
    TIMESTAMP = Qt.ItemDataRole.UserRole + 2


def reason_label(reason: str) -> str:
    """Backup reasons come from the pool as short English words; say them plainly."""
    known = {
        "paired": QCoreApplication.translate("BackupModel", "Just linked"),
        "connected": QCoreApplication.translate("BackupModel", "Connected"),
        "reconnected": QCoreApplication.translate("BackupModel", "Connected"),
        "periodic": QCoreApplication.translate("BackupModel", "Scheduled"),
        "manual": QCoreApplication.translate("BackupModel", "Backed up by you"),
        "before-logout": QCoreApplication.translate("BackupModel", "Before logging out"),
        "before restore": QCoreApplication.translate("BackupModel", "Before a restore"),
        "before removal": QCoreApplication.translate("BackupModel", "Before removing the number"),
        "before import": QCoreApplication.translate("BackupModel", "Before an import"),
        "imported": QCoreApplication.translate("BackupModel", "Imported"),
        "before the device was removed": QCoreApplication.translate(
            "BackupModel", "Before WhatsApp removed it"
        ),
        "stale live copy after a crash": QCoreApplication.translate(
            "BackupModel", "Kept after a crash"
        ),
    }
    if reason in known:
        return known[reason]
    if reason.startswith("before reset"):
        return QCoreApplication.translate("BackupModel", "Kept before a reset")
    return reason


class BackupListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BackupInfo] = []
        self.phone: str | None = None

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
            Column.TIME: QCoreApplication.translate("BackupModel", "Taken"),
            Column.REASON: QCoreApplication.translate("BackupModel", "Why"),
            Column.SIZE: QCoreApplication.translate("BackupModel", "Size"),
        }
        return names.get(Column(section)) if 0 <= section < len(Column) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column is Column.TIME:
                return texts.when(info.created_at)
            if column is Column.REASON:
                return reason_label(info.reason)
            return texts.size(info.size)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.TIME:
            # Green: taken while connected (the best one to restore).
            return severity_icon(Severity.OK if info.connected else Severity.IDLE)
        if role == Qt.ItemDataRole.ToolTipRole:
            state = (
                QCoreApplication.translate("BackupModel", "taken while connected")
                if info.connected
                else QCoreApplication.translate("BackupModel", "taken while not connected")
            )
            return f"{info.timestamp} — {state}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.BACKUP:
            return info
        if role == Role.TIMESTAMP:
            return info.timestamp
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_backups(self, phone: str | None, backups: Iterable[BackupInfo]) -> None:
        self.beginResetModel()
        self.phone = phone
        self._rows = sorted(backups, key=lambda b: b.created_at, reverse=True)
        self.endResetModel()

    def backup_at(self, row: int) -> BackupInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )
