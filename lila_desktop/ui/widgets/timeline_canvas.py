"""A number's history drawn as a picture: an uptime band over a time axis,
drops marked above it with their reason, backups and restores below it.

Geometry is computed once per size and data (`items()`), and both painting
and hit-testing (hover tooltips, clicks) use it, so tests can check where
things are without reading pixels. Colour is never the only cue: each band
kind has its own pattern, drops are triangles, kept backups diamonds.
Keyboard: Left/Right walk the kept backups, Enter offers to restore one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from lila_desktop.core.timeline import Band, HistoryEvent, Span, Timeline
from lila_desktop.services.vault import BackupInfo
from lila_desktop.ui import texts
from lila_desktop.ui import timeline_texts as words
from lila_desktop.ui.models.backups import reason_label

# A backup event in the history matches a kept backup taken this close to it.
MATCH_S = 120.0

BAND_STYLE: dict[Band, tuple[str, Qt.BrushStyle]] = {
    Band.UP: ("#2e9d4f", Qt.BrushStyle.SolidPattern),
    Band.WORKING: ("#e0a100", Qt.BrushStyle.BDiagPattern),
    Band.DOWN: ("#d13b2e", Qt.BrushStyle.DiagCrossPattern),
    Band.IDLE: ("#8a9099", Qt.BrushStyle.Dense5Pattern),
    Band.OFF: ("#c4c7cc", Qt.BrushStyle.Dense7Pattern),
    Band.NONE: ("#ffffff", Qt.BrushStyle.NoBrush),
}
BACKUP_COLOUR = QColor("#2f6fd6")
RESTORE_COLOUR = QColor("#7b3fb5")
DROP_COLOUR = QColor("#b3261e")


class ItemKind(StrEnum):
    SPAN = "span"
    DROP = "drop"
    BACKUP = "backup"  # a kept backup: click to restore
    PAST_BACKUP = "past_backup"  # taken then, no longer kept
    RESTORE = "restore"


@dataclass(frozen=True)
class Item:
    kind: ItemKind
    rect: QRectF
    at: float
    tooltip: str
    band: Band | None = None
    backup: BackupInfo | None = None


class TimelineCanvas(QWidget):
    backup_clicked = Signal(object)  # BackupInfo
    backup_selected = Signal(object)  # BackupInfo: the current one (keyboard, click)

    MARGIN = 10
    DROP_ROW = (4.0, 18.0)  # top, bottom
    BAND = (20.0, 50.0)
    MARKER_ROW = (54.0, 70.0)
    AXIS_Y = 74.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_canvas")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.timeline: Timeline | None = None
        self.kept: list[BackupInfo] = []
        self._items: list[Item] | None = None
        self._current = -1  # keyboard: index into the clickable backups
        self._hover: Item | None = None

    def sizeHint(self) -> QSize:
        return QSize(600, self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(240, int(self.AXIS_Y) + self.fontMetrics().height() + 6)

    # --- data --------------------------------------------------------------

    def set_timeline(self, timeline: Timeline | None, kept: list[BackupInfo]) -> None:
        self.timeline = timeline
        self.kept = sorted(kept, key=lambda b: b.created_at)
        self._items = None
        clickable = self.clickable()
        if self._current >= len(clickable):
            self._current = len(clickable) - 1
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._items = None
        super().resizeEvent(event)

    def x_of(self, at: float) -> float:
        tl = self.timeline
        width = self.width() - 2 * self.MARGIN
        if tl is None or tl.end <= tl.start:
            return float(self.MARGIN)
        share = (min(max(at, tl.start), tl.end) - tl.start) / (tl.end - tl.start)
        return self.MARGIN + share * width

    def items(self) -> list[Item]:
        """Everything drawn, with its place and its tooltip (spans first, markers on top)."""
        if self._items is None:
            self._items = self._layout()
        return self._items

    def clickable(self) -> list[Item]:
        return [i for i in self.items() if i.kind is ItemKind.BACKUP]

    def item_at(self, pos: QPointF) -> Item | None:
        """The marker under `pos` (markers win over the band), or the band's span."""
        hits = [i for i in self.items() if i.rect.adjusted(-3, -3, 3, 3).contains(pos)]
        markers = [i for i in hits if i.kind is not ItemKind.SPAN]
        if markers:
            return min(markers, key=lambda i: abs(i.rect.center().x() - pos.x()))
        return hits[0] if hits else None

    def _layout(self) -> list[Item]:
        tl = self.timeline
        if tl is None:
            return []
        out: list[Item] = []
        top, bottom = self.BAND
        for span in tl.spans:
            left, right = self.x_of(span.start), self.x_of(span.end)
            rect = QRectF(left, top, max(1.0, right - left), bottom - top)
            out.append(Item(ItemKind.SPAN, rect, span.start, self._span_tip(span), span.band))
        d_top, d_bottom = self.DROP_ROW
        side = d_bottom - d_top
        for drop in tl.drops:
            x = self.x_of(drop.at)
            tip = (
                self.tr("Dropped at %1: %2")
                .replace("%1", texts.when(drop.at))
                .replace("%2", words.drop_reason(drop.code, drop.reason))
            )
            out.append(Item(ItemKind.DROP, QRectF(x - side / 2, d_top, side, side), drop.at, tip))
        m_top, m_bottom = self.MARKER_ROW
        side = m_bottom - m_top
        in_range = [b for b in self.kept if tl.start <= b.created_at <= tl.end]
        for info in in_range:
            x = self.x_of(info.created_at)
            tip = (
                self.tr("Backup of %1 (%2). Click to restore it.")
                .replace("%1", texts.when(info.created_at))
                .replace("%2", reason_label(info.reason))
            )
            rect = QRectF(x - side / 2, m_top, side, side)
            out.append(Item(ItemKind.BACKUP, rect, info.created_at, tip, backup=info))
        for event in tl.backups:
            if any(abs(b.created_at - event.at) <= MATCH_S for b in self.kept):
                continue
            x = self.x_of(event.at)
            tip = self.tr("Backup of %1; no longer kept (older backups make room).").replace(
                "%1", texts.when(event.at)
            )
            rect = QRectF(x - side / 3, m_top + side / 6, side * 2 / 3, side * 2 / 3)
            out.append(Item(ItemKind.PAST_BACKUP, rect, event.at, tip))
        for event in tl.restores:
            out.append(self._restore_item(event, side, m_top))
        return out

    def _restore_item(self, event: HistoryEvent, side: float, top: float) -> Item:
        x = self.x_of(event.at)
        tip = (
            self.tr("Restored at %1").replace("%1", texts.when(event.at))
            if event.ok
            else self.tr("Restore tried at %1; WhatsApp did not accept it").replace(
                "%1", texts.when(event.at)
            )
        )
        return Item(ItemKind.RESTORE, QRectF(x - side / 2, top, side, side), event.at, tip)

    def _span_tip(self, span: Span) -> str:
        label = texts.status_label(span.status) if span.status else words.band_label(span.band)
        return (
            self.tr("%1 from %2 to %3 (%4)")
            .replace("%1", label)
            .replace("%2", texts.when(span.start))
            .replace("%3", texts.when(span.end))
            .replace("%4", texts.duration(span.end - span.start))
        )

    # --- painting ----------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(palette.ColorRole.WindowText)
        tl = self.timeline
        if tl is None:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No history yet."))
            return
        top, bottom = self.BAND
        frame = QRectF(self.MARGIN, top, self.width() - 2 * self.MARGIN, bottom - top)
        painter.fillRect(frame, palette.color(palette.ColorRole.Base))
        items = self.items()
        for item in items:
            if item.kind is ItemKind.SPAN and item.band not in (None, Band.NONE):
                assert item.band is not None
                colour, pattern = BAND_STYLE[item.band]
                painter.fillRect(item.rect, QColor(colour).lighter(150))
                painter.fillRect(item.rect, QBrush(QColor(colour), pattern))
        painter.setPen(QPen(text_colour.lighter(160), 1))
        painter.drawRect(frame)
        self._draw_axis(painter, text_colour)
        current = (
            self.clickable()[self._current] if 0 <= self._current < len(self.clickable()) else None
        )
        for item in items:
            if item.kind is ItemKind.DROP:
                self._draw_drop(painter, item)
            elif item.kind in (ItemKind.BACKUP, ItemKind.PAST_BACKUP):
                self._draw_backup(painter, item, item is current or item is self._hover)
            elif item.kind is ItemKind.RESTORE:
                self._draw_restore(painter, item)

    def _draw_drop(self, painter: QPainter, item: Item) -> None:
        r = item.rect
        x = r.center().x()
        painter.setPen(QPen(DROP_COLOUR, 1.5))
        painter.drawLine(QPointF(x, r.bottom()), QPointF(x, self.BAND[1]))
        painter.setBrush(DROP_COLOUR)
        painter.drawPolygon(
            QPolygonF(
                [QPointF(r.left(), r.top()), QPointF(r.right(), r.top()), QPointF(x, r.bottom())]
            )
        )

    def _draw_backup(self, painter: QPainter, item: Item, highlighted: bool) -> None:
        r = item.rect
        c = r.center()
        diamond = QPolygonF(
            [
                QPointF(c.x(), r.top()),
                QPointF(r.right(), c.y()),
                QPointF(c.x(), r.bottom()),
                QPointF(r.left(), c.y()),
            ]
        )
        if item.kind is ItemKind.BACKUP:
            painter.setPen(QPen(BACKUP_COLOUR.darker(140), 2.5 if highlighted else 1))
            painter.setBrush(BACKUP_COLOUR.lighter(130) if highlighted else BACKUP_COLOUR)
            painter.drawPolygon(diamond)
            if highlighted and self.hasFocus():
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(self.palette().color(self.palette().ColorRole.Highlight), 1.5))
                painter.drawRect(r.adjusted(-3, -3, 3, 3))
        else:
            painter.setPen(QPen(QColor("#8a9099"), 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(r)

    def _draw_restore(self, painter: QPainter, item: Item) -> None:
        r = item.rect
        painter.setPen(QPen(RESTORE_COLOUR, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawArc(r.adjusted(2, 2, -2, -2), 30 * 16, 300 * 16)
        painter.drawLine(
            QPointF(r.right() - 3, r.top() + 2), QPointF(r.right() - 2, r.center().y())
        )

    def _draw_axis(self, painter: QPainter, colour: QColor) -> None:
        tl = self.timeline
        assert tl is not None
        span = tl.end - tl.start
        step, fmt = (
            (3 * 3600, "HH:mm")
            if span <= 2 * 86400
            else ((86400, "ddd d") if span <= 8 * 86400 else (5 * 86400, "d MMM"))
        )
        from PySide6.QtCore import QDateTime, QLocale

        locale = QLocale()
        # Ticks on round local hours/days: start from the first multiple after `start`.
        offset = QDateTime.fromSecsSinceEpoch(int(tl.start)).offsetFromUtc()
        first = ((int(tl.start) + offset) // step + 1) * step - offset
        metrics = self.fontMetrics()
        painter.setPen(QPen(colour, 1))
        y = self.AXIS_Y
        last_right = -1e9
        t = first
        while t < tl.end:
            x = self.x_of(t)
            painter.drawLine(QPointF(x, self.BAND[1]), QPointF(x, self.BAND[1] + 3))
            label = locale.toString(QDateTime.fromSecsSinceEpoch(int(t)), fmt)
            w = metrics.horizontalAdvance(label)
            if x - w / 2 > last_right + 6 and x + w / 2 < self.width():
                painter.drawText(QPointF(x - w / 2, y + metrics.ascent()), label)
                last_right = x + w / 2
            t += step

    # --- interaction -------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.item_at(QPointF(event.pos()))
            if item is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), item.tooltip, self)
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        hover = item if item is not None and item.kind is ItemKind.BACKUP else None
        if hover is not self._hover:
            self._hover = hover
            cursor = Qt.CursorShape.PointingHandCursor if hover else Qt.CursorShape.ArrowCursor
            self.setCursor(cursor)
            self.update()
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and item is not None and item.backup:
            self._current = self.clickable().index(item)
            self.backup_selected.emit(item.backup)
            self.update()
            self.backup_clicked.emit(item.backup)
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        clickable = self.clickable()
        key = event.key()
        if clickable and key in (
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
        ):
            if key == Qt.Key.Key_Home:
                self._current = 0
            elif key == Qt.Key.Key_End or self._current < 0:
                self._current = len(clickable) - 1
            else:
                step = -1 if key == Qt.Key.Key_Left else 1
                self._current = min(max(self._current + step, 0), len(clickable) - 1)
            chosen = clickable[self._current]
            self.backup_selected.emit(chosen.backup)
            self.setAccessibleDescription(chosen.tooltip)
            QToolTip.showText(
                self.mapToGlobal(chosen.rect.center().toPoint()), chosen.tooltip, self
            )
            self.update()
            return
        if key in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Space,
        ) and 0 <= self._current < len(clickable):
            self.backup_clicked.emit(clickable[self._current].backup)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)
