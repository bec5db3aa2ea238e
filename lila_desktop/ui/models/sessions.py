"""The sessions table: one row per number, over immutable snapshots (Vorta style).

Named column constants and custom roles; a batch of snapshots (already
coalesced by the bridge) becomes row inserts plus `dataChanged` for only the
columns that really changed. The named `countdown_timer` ticks once a second
and refreshes just the time columns, so "next retry" counts down while a
number is reconnecting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Severity, Status, severity
from lila_desktop.ui import texts
from lila_desktop.ui import timeline_texts as words
from lila_desktop.ui.icons import status_icon

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NUMBER = 0
    NAME = 1
    STATUS = 2
    SINCE = 3
    NEXT_RETRY = 4
    LAST_BACKUP = 5
    UPTIME = 6  # connected share of the last 24 hours (from the recorded history)


class Role(IntEnum):
    SNAPSHOT = Qt.ItemDataRole.UserRole + 1
    PHONE = Qt.ItemDataRole.UserRole + 2
    STATUS = Qt.ItemDataRole.UserRole + 3  # the Status value string
    SEVERITY = Qt.ItemDataRole.UserRole + 4  # the Severity value string


# Which snapshot fields feed which column: a change elsewhere redraws nothing.
_FIELDS: dict[Column, tuple[str, ...]] = {
    Column.NUMBER: ("phone",),
    Column.NAME: ("name",),
    Column.STATUS: ("status", "attempt", "message", "loop_detected"),
    Column.SINCE: ("since",),
    Column.NEXT_RETRY: ("next_retry_at", "ban_until", "status"),
    Column.LAST_BACKUP: ("last_backup_at",),
    Column.UPTIME: (),  # refreshed by the countdown tick, not by snapshots
}
_TIMED = (Column.SINCE, Column.NEXT_RETRY, Column.LAST_BACKUP, Column.UPTIME)
UPTIME_REFRESH_S = 30.0  # uptime moves slowly: computed at most this often per number
_SEVERITY_COLOUR = {
    Severity.OK: QColor("#1d6b34"),
    Severity.IDLE: QColor("#5c6068"),
    Severity.WORKING: QColor("#8a6300"),
    Severity.ATTENTION: QColor("#b3261e"),
}


def _headers() -> dict[Column, str]:
    return {
        Column.NUMBER: QCoreApplication.translate("SessionTableModel", "Number"),
        Column.NAME: QCoreApplication.translate("SessionTableModel", "Name"),
        Column.STATUS: QCoreApplication.translate("SessionTableModel", "Status"),
        Column.SINCE: QCoreApplication.translate("SessionTableModel", "Since"),
        Column.NEXT_RETRY: QCoreApplication.translate("SessionTableModel", "Next retry"),
        Column.LAST_BACKUP: QCoreApplication.translate("SessionTableModel", "Last backup"),
        Column.UPTIME: QCoreApplication.translate("SessionTableModel", "Uptime 24 h"),
    }


class SessionTableModel(QAbstractTableModel):
    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.time,
        tick_ms: int = 1000,
        uptime_of: Callable[[str, float], float | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._uptime_of = uptime_of
        self._uptime: dict[str, tuple[float, float | None]] = {}  # phone: (computed at, share)
        self._rows: list[SessionSnapshot] = []
        self._index: dict[str, int] = {}
        self._clock = clock
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setObjectName("countdown_timer")
        self._countdown_timer.setInterval(tick_ms)
        self._countdown_timer.timeout.connect(self._on_countdown_timer_timeout)
        self._countdown_timer.start()
        self.changed_cells = 0  # cells reported through dataChanged (tests read it)
        self._waiting: dict[str, int] = {}  # messages queued in the outbox, per number
        self._status_text: dict[str, tuple[SessionSnapshot, str]] = {}  # phone: (for, text)
        self.statuses_changed = False  # did the last apply() change a status or add a row?

    # --- Qt model API ------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return _headers()[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        snap = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(snap, column)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.STATUS:
            return status_icon(snap.status)
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.STATUS:
            return _SEVERITY_COLOUR[severity(snap.status)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(snap, column)
        if role == Role.SNAPSHOT:
            return snap
        if role == Role.PHONE:
            return snap.phone
        if role == Role.STATUS:
            return snap.status.value
        if role == Role.SEVERITY:
            return severity(snap.status).value
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- content -----------------------------------------------------------

    def _display(self, snap: SessionSnapshot, column: Column) -> str:
        now = self._clock()
        match column:
            case Column.NUMBER:
                waiting = self._waiting.get(snap.phone, 0)
                return f"+{snap.phone}" + (f"  ✉ {waiting}" if waiting else "")
            case Column.NAME:
                return snap.name
            case Column.STATUS:
                # Painted again and again, changed rarely: worded once per snapshot.
                cached = self._status_text.get(snap.phone)
                if cached is None or cached[0] is not snap:
                    todo = words.row_action(snap.status)
                    text = texts.status_text(snap)
                    cached = (snap, f"{text} — {todo}" if todo else text)
                    self._status_text[snap.phone] = cached
                return cached[1]
            case Column.SINCE:
                return texts.duration(now - snap.since) if snap.since else "—"
            case Column.NEXT_RETRY:
                return self._next_retry(snap, now)
            case Column.LAST_BACKUP:
                return texts.when(snap.last_backup_at, now)
            case Column.UPTIME:
                return words.uptime_text(self.uptime(snap.phone, now))
        return ""

    def forget_uptime(self, phone: str) -> None:
        """The history of `phone` changed: compute its uptime afresh at the next tick."""
        self._uptime.pop(phone, None)

    def uptime(self, phone: str, now: float | None = None) -> float | None:
        if self._uptime_of is None:
            return None
        now = self._clock() if now is None else now
        cached = self._uptime.get(phone)
        if cached is None or now - cached[0] >= UPTIME_REFRESH_S:
            cached = (now, self._uptime_of(phone, now))
            self._uptime[phone] = cached
        return cached[1]

    @staticmethod
    def _next_retry(snap: SessionSnapshot, now: float) -> str:
        if snap.status is Status.RECONNECTING and snap.next_retry_at is not None:
            left = snap.next_retry_at - now
            if left <= 0:
                return QCoreApplication.translate("SessionTableModel", "now")
            return QCoreApplication.translate("SessionTableModel", "in %1").replace(
                "%1", texts.duration(left + 0.999)
            )
        if snap.status is Status.TEMP_BANNED and snap.ban_until is not None:
            return QCoreApplication.translate("SessionTableModel", "after %1").replace(
                "%1", texts.when(snap.ban_until, now)
            )
        return "—"

    def _tooltip(self, snap: SessionSnapshot, column: Column) -> str | None:
        if column is Column.NAME and snap.name:
            return snap.name  # the Name column gives way first on a small screen
        if column is Column.STATUS:
            return texts.status_hint(snap) if snap.message else texts.status_label(snap.status)
        if column is Column.SINCE and snap.since:
            return texts.when(snap.since)
        if column is Column.UPTIME:
            return QCoreApplication.translate(
                "SessionTableModel", "Share of the last 24 hours this number was connected"
            )
        return None

    def widest_texts(self, column: Column) -> list[str]:
        """What `column` can show at its widest, in the current language.

        The window sizes the status and time columns to these once, instead of
        refitting them as texts change ("Connecting" -> "Waiting for QR scan"),
        which cut labels short or made the columns jump.
        """
        now = self._clock()
        # A moment that is not today, with two-digit day, month and hour: a long date.
        moment = QDateTime(QDate(2026, 12, 28), QTime(22, 58)).toSecsSinceEpoch()
        if abs(moment - now) < 2 * 86400:
            moment -= 30 * 86400

        def sample(status: Status, **extra: Any) -> SessionSnapshot:
            return SessionSnapshot("0", "", status, extra.pop("since", now), True, **extra)

        match column:
            case Column.STATUS:
                snaps = [sample(status, attempt=99) for status in Status]
            case Column.SINCE:
                ages = (59, 3599, 86399, 99 * 86400)
                snaps = [sample(Status.CONNECTED, since=now - age) for age in ages]
            case Column.NEXT_RETRY:
                # Bans last hours, so their end shows as a time of day; the rare date
                # may be cut short rather than take the Name column's room.
                late_today = QDateTime(QDate.currentDate(), QTime(22, 58)).toSecsSinceEpoch()
                snaps = [
                    sample(Status.RECONNECTING, next_retry_at=now + 3599),
                    sample(Status.TEMP_BANNED, ban_until=float(late_today)),
                ]
            case Column.LAST_BACKUP:
                snaps = [sample(Status.CONNECTED, last_backup_at=float(moment))]
            case Column.UPTIME:
                return [words.uptime_text(0.999), self._headers_text(Column.UPTIME)]
            case _:
                snaps = list(self._rows)
        return [self._display(snap, column) for snap in snaps]

    @staticmethod
    def _headers_text(column: Column) -> str:
        return _headers()[column]

    def set_waiting(self, waiting: dict[str, int]) -> None:
        """Outbox messages waiting per number: the row shows "✉ n" next to the number."""
        changed = set(waiting.items()) ^ set(self._waiting.items())
        self._waiting = {phone: n for phone, n in waiting.items() if n}
        for phone in {phone for phone, _ in changed}:
            row = self._index.get(phone)
            if row is not None:
                cell = self.index(row, Column.NUMBER)
                self.dataChanged.emit(cell, cell)

    def snapshot_at(self, row: int) -> SessionSnapshot | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, phone: str) -> int:
        return self._index.get(phone, -1)

    def snapshots(self) -> list[SessionSnapshot]:
        return list(self._rows)

    def apply(self, batch: Iterable[SessionSnapshot]) -> None:
        """Take a batch of newest snapshots: insert new numbers, redraw changed cells."""
        new: list[SessionSnapshot] = []
        statuses_changed = False
        for snap in batch:
            row = self._index.get(snap.phone)
            if row is None:
                new.append(snap)
                continue
            old = self._rows[row]
            if old == snap:
                continue
            statuses_changed = statuses_changed or old.status is not snap.status
            self._rows[row] = snap
            changed = [c for c, names in _FIELDS.items() if _differs(old, snap, names)]
            if changed:
                self._emit_changed(row, min(changed), max(changed))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for snap in new:
                self._index[snap.phone] = len(self._rows)
                self._rows.append(snap)
            self.endInsertRows()
        self.statuses_changed = statuses_changed or bool(new)

    def reset(self, snapshots: Iterable[SessionSnapshot]) -> None:
        self.beginResetModel()
        self._status_text.clear()
        self._rows = list(snapshots)
        self._index = {s.phone: i for i, s in enumerate(self._rows)}
        self.endResetModel()

    def remove(self, phone: str) -> None:
        row = self._index.get(phone)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self._status_text.pop(phone, None)
        del self._rows[row]
        self._index = {s.phone: i for i, s in enumerate(self._rows)}
        self.endRemoveRows()

    def retranslate(self) -> None:
        self._status_text.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self._emit_changed(0, 0, len(Column) - 1, last_row=len(self._rows) - 1)

    def _emit_changed(
        self, row: int, first: Column | int, last: Column | int, *, last_row: int | None = None
    ) -> None:
        bottom = row if last_row is None else last_row
        self.changed_cells += (bottom - row + 1) * (int(last) - int(first) + 1)
        self.dataChanged.emit(self.index(row, int(first)), self.index(bottom, int(last)))

    def _on_countdown_timer_timeout(self) -> None:
        if self._rows:
            self._emit_changed(0, min(_TIMED), max(_TIMED), last_row=len(self._rows) - 1)


def _differs(old: SessionSnapshot, new: SessionSnapshot, names: tuple[str, ...]) -> bool:
    return any(getattr(old, n) != getattr(new, n) for n in names)


def fit_columns(table: QTableView, model: SessionTableModel) -> None:
    """Number by its contents; status and times by the widest text they can show
    (so they never cut a label short nor jump while numbers change state); the
    stretching Name column takes the rest."""
    from PySide6.QtWidgets import QStyle  # here: its Python type costs ~9 ms to create

    table.resizeColumnsToContents()
    metrics = table.fontMetrics()
    style = table.style()
    # The item delegate's margins on both sides, plus a little air.
    pad = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 8
    icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 4
    header = table.horizontalHeader()
    for column in (
        Column.STATUS,
        Column.SINCE,
        Column.NEXT_RETRY,
        Column.LAST_BACKUP,
        Column.UPTIME,
    ):
        widest = max(metrics.horizontalAdvance(t) for t in model.widest_texts(column))
        width = widest + pad + (icon if column is Column.STATUS else 0)
        header.resizeSection(column, max(width, header.sectionSize(column)))
