"""Draws a QR code (made with `qrcode`) crisply at any size and scale factor."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


def qr_matrix(payload: str) -> list[list[bool]]:
    """Modules of the QR code for `payload`, quiet zone included."""
    import qrcode  # with Pillow ~50 ms: when the first code is drawn, not before the window

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return [list(map(bool, row)) for row in code.get_matrix()]


class QrView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self._dimmed = False
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(280, 280)

    def set_payload(self, payload: str | None) -> None:
        # The payload is a credential-like secret: it is drawn, never logged.
        self._matrix = qr_matrix(payload) if payload else []
        self._dimmed = False
        self.update()

    def set_dimmed(self, dimmed: bool) -> None:
        """An expired code stays visible but greyed out, so nobody scans it."""
        self._dimmed = dimmed
        self.update()

    def has_code(self) -> bool:
        return bool(self._matrix)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        side = min(self.width(), self.height())
        left = (self.width() - side) / 2
        top = (self.height() - side) / 2
        painter.fillRect(QRectF(left, top, side, side), QColor("#ffffff"))
        if not self._matrix:
            painter.setPen(QColor("#5c6068"))
            painter.drawText(
                QRectF(left, top, side, side),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("Waiting for a code…"),
            )
            return
        n = len(self._matrix)
        # Whole device pixels per module, at the screen's scaling (150 %, 200 %):
        # scanners dislike blurred module edges, and a logical pixel may be 1.5 real ones.
        ratio = self.devicePixelRatioF()
        module = int(side * ratio // n)
        painter.scale(1 / ratio, 1 / ratio)
        offset_x = round(left * ratio + (side * ratio - module * n) / 2)
        offset_y = round(top * ratio + (side * ratio - module * n) / 2)
        ink = QColor("#b9bcc2") if self._dimmed else QColor("#000000")
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(
                        QRect(offset_x + x * module, offset_y + y * module, module, module), ink
                    )

    def module_device_px(self) -> int:
        """How many device pixels one module of the current code takes (0: no code)."""
        if not self._matrix:
            return 0
        side = min(self.width(), self.height()) * self.devicePixelRatioF()
        return int(side // len(self._matrix))
