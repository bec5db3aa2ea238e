"""Linking one number: the rotating QR with its countdown, or an 8-character pairing code.

Used inline in the main window's detail area, in the first-run flow and in
the link dialog: one piece of code decides what is shown. It follows the
bridge's snapshots of its number; `linked` fires when the number connects.
Selecting a number never starts linking by itself: `start()` does (the
owner pressed a button).
"""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.ui import texts
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.widgets.qr_view import QrView

logger = logging.getLogger(__name__)

# WhatsApp's rotation: the first code lives 60 s, each next one 20 s (NEONIZE_NOTES 10).
QR_LIFETIMES = (60.0, 20.0, 20.0, 20.0, 20.0, 20.0)
LINKING = (Status.CONNECTING, Status.QR, Status.PAIRING)
WAITING = (Status.QR, Status.PAIRING)
# A phone held at arm's length reads a code this big on a 1366×768 laptop (device
# pixels; at least 260). Fixed, so a tight layout cannot squeeze it.
QR_DEVICE_PX = 272


class LinkPanel(QWidget):
    linked = Signal(str)  # phone

    def __init__(self, bridge: PoolBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("link_panel")
        self.bridge = bridge
        self.phone: str | None = None
        self._qr: str | None = None
        self._qr_at: float | None = None
        self._first_qr_at: float | None = None
        self._rotation = -1
        self._started = False  # this panel asked for a code: show "expired" when it ends

        self.steps_label = QLabel(self)
        self.steps_label.setObjectName("steps_label")
        self.steps_label.setWordWrap(True)
        self.qr_view = QrView(self)
        self.qr_view.setObjectName("qr_view")
        self.qr_view.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.pair_code_label = QLabel(self)
        self.pair_code_label.setObjectName("pair_code_label")
        self.pair_code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pair_code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont("DejaVu Sans Mono")
        big.setStyleHint(QFont.StyleHint.Monospace)
        big.setPointSizeF(self.font().pointSizeF() * 2.6)
        big.setBold(True)
        self.pair_code_label.setFont(big)
        self.pair_code_label.hide()
        self.countdown_label = QLabel(self)
        self.countdown_label.setObjectName("countdown_label")
        self.countdown_label.setWordWrap(True)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("state_label")
        self.state_label.setWordWrap(True)

        self.pair_button = QPushButton(self)
        self.pair_button.setObjectName("pair_button")
        self.pair_button.clicked.connect(self._on_pair_button_clicked)
        self.regenerate_button = QPushButton(self)
        self.regenerate_button.setObjectName("regenerate_button")
        self.regenerate_button.clicked.connect(self.start)
        self.regenerate_button.hide()
        self.simulate_button = QPushButton(self)
        self.simulate_button.setObjectName("simulate_scan_button")
        self.simulate_button.clicked.connect(self._on_simulate_button_clicked)
        self.simulate_button.hide()
        self.buttons = QVBoxLayout()
        self.buttons.addWidget(self.pair_button)
        self.buttons.addWidget(self.regenerate_button)
        self.buttons.addWidget(self.simulate_button)

        # The code on the left, what to do and the buttons beside it: the whole
        # panel stays under ~300 px tall, so the code keeps its size at 1366×768.
        side = QVBoxLayout()
        side.addWidget(self.steps_label)
        side.addWidget(self.countdown_label)
        side.addWidget(self.state_label)
        side.addLayout(self.buttons)
        side.addStretch(1)
        code = QVBoxLayout()
        code.addWidget(self.qr_view, 0, Qt.AlignmentFlag.AlignHCenter)
        code.addWidget(self.pair_code_label, 0, Qt.AlignmentFlag.AlignHCenter)
        code.addStretch(1)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(code, 0)
        box.addLayout(side, 1)

        self._qr_countdown_timer = QTimer(self)
        self._qr_countdown_timer.setObjectName("qr_countdown_timer")
        self._qr_countdown_timer.setInterval(1000)
        self._qr_countdown_timer.timeout.connect(self._on_qr_countdown_timer_timeout)
        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        self._size_code()
        self.retranslate()

    # --- texts -------------------------------------------------------------

    def retranslate(self) -> None:
        self._retranslate()
        self._size_code()  # the buttons' words changed width

    def _retranslate(self) -> None:
        self.pair_button.setText(
            self.tr("Link with &phone number")
            if not self.pair_code_label.isVisible()
            else self.tr("Show &QR code")
        )
        self.pair_button.setAccessibleName(self.pair_button.text().replace("&", ""))
        self.regenerate_button.setText(self.tr("&New code"))
        self.regenerate_button.setAccessibleName(self.tr("New code"))
        self.simulate_button.setText(self.tr("&Simulate scan (demo)"))
        self.simulate_button.setAccessibleName(self.tr("Simulate scan (demo)"))
        self.qr_view.setAccessibleName(self.tr("QR code to scan with the phone"))
        self.pair_code_label.setAccessibleName(self.tr("Pairing code"))
        if self.pair_code_label.isVisible():
            self.steps_label.setText(
                self.tr(
                    "On the phone: WhatsApp › Settings › Linked devices › Link a device › "
                    "Link with phone number instead, then type this code."
                )
            )
        else:
            self.steps_label.setText(
                self.tr(
                    "On the phone: WhatsApp › Settings › Linked devices › Link a device, "
                    "then point the camera at this code."
                )
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self._size_code()  # the screen (and its scaling) is known for sure now
        super().showEvent(event)

    def _size_code(self) -> None:
        # The same device pixels whatever the scaling: fewer logical pixels at 150 %.
        side = math.ceil(QR_DEVICE_PX / max(1.0, self.devicePixelRatioF()))
        self.qr_view.setFixedSize(side, side)
        buttons = (self.pair_button, self.regenerate_button, self.simulate_button)
        widest = max(b.sizeHint().width() for b in buttons)
        self.setMinimumWidth(side + max(widest, 14 * self.fontMetrics().averageCharWidth()) + 16)

    # --- state -------------------------------------------------------------

    def set_phone(self, phone: str | None, *, expecting: bool = False) -> None:
        """Follow `phone`; `expecting`: the owner is linking it, so its connecting
        (even without a code, from a store that still worked) counts as linked."""
        if phone == self.phone and not expecting:
            return
        self.phone = phone
        self._qr = self._qr_at = self._first_qr_at = None
        self._rotation = -1
        self._started = expecting
        self.qr_view.set_payload(None)
        self.pair_code_label.hide()
        self.qr_view.show()
        self.countdown_label.clear()
        self.state_label.clear()
        self.retranslate()
        snap = self.bridge.snapshot(phone) if phone else None
        if snap is not None:
            self.show_snapshot(snap)

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        for snap in batch:
            if snap.phone == self.phone:
                self.show_snapshot(snap)

    def show_snapshot(self, snap: SessionSnapshot) -> None:
        if snap.is_connected:
            self._qr_countdown_timer.stop()
            if self._qr is not None or self._started or self._rotation >= 0:
                logger.info("linked", extra={"event": "ui_linked", "phone": snap.phone})
                self._qr = None
                self._rotation = -1
                self._started = False
                self.linked.emit(snap.phone)
            return
        if snap.qr != self._qr and snap.qr is not None:
            self._qr, self._qr_at = snap.qr, snap.qr_at or time.time()
            self._rotation += 1
            if self._rotation == 0:
                self._first_qr_at = self._qr_at
            self.qr_view.set_payload(snap.qr)
            self._qr_countdown_timer.start()
        if snap.pair_code:
            self._show_pair_code(snap.pair_code)
        linking = snap.status in LINKING
        waiting = snap.status in WAITING
        self.regenerate_button.setVisible(not linking)
        # Only what can be used now is shown (and the row never overflows).
        self.simulate_button.setVisible(self.bridge.transport == "simulated" and waiting)
        self.pair_button.setVisible(waiting)
        if not linking:
            self._qr = None
            self._qr_countdown_timer.stop()
            self.qr_view.set_dimmed(True)
            self.countdown_label.setText(
                self.tr("This code expired.") if self._rotation >= 0 else ""
            )
            self.state_label.setText(
                self.tr("Press New code to try again.")
                if snap.status in (Status.STOPPED, Status.FAILED)
                else texts.status_label(snap.status)
            )
        else:
            self.state_label.setText(texts.status_label(snap.status))
            self._on_qr_countdown_timer_timeout()

    def _on_qr_countdown_timer_timeout(self) -> None:
        if self._qr is None or self._qr_at is None:
            return
        if self.pair_code_label.isVisibleTo(self) and self._first_qr_at is not None:
            # The code works while linking lasts: as long as the codes keep rotating.
            left = int(self._first_qr_at + sum(QR_LIFETIMES) - time.time())
            self.countdown_label.setText(
                self.tr("Type it within %1 s").replace("%1", str(left))
                if left > 0
                else self.tr("A new code is on its way…")
            )
            return
        lifetime = QR_LIFETIMES[min(self._rotation, len(QR_LIFETIMES) - 1)]
        left = int(self._qr_at + lifetime - time.time())
        if left > 0:
            self.countdown_label.setText(self.tr("New code in %1 s").replace("%1", str(left)))
        else:
            self.countdown_label.setText(self.tr("A new code is on its way…"))

    def _show_pair_code(self, code: str) -> None:
        shown = f"{code[:4]}-{code[4:]}" if len(code) == 8 else code
        self.pair_code_label.setText(shown)
        self.pair_code_label.show()
        self.qr_view.hide()
        self.retranslate()
        self._on_qr_countdown_timer_timeout()

    # --- actions -----------------------------------------------------------

    @async_slot
    async def _on_pair_button_clicked(self) -> None:
        if self.pair_code_label.isVisible():
            self.pair_code_label.hide()
            self.qr_view.show()
            self.retranslate()
            return
        self.pair_button.setEnabled(False)
        try:
            code = await self.bridge.pair_phone(self.phone or "")
        except ActionError as exc:
            if alive(self):
                self.state_label.setText(str(exc))
            return
        finally:
            if alive(self):
                self.pair_button.setEnabled(True)
        if alive(self):
            self._show_pair_code(code)

    @async_slot
    async def start(self) -> None:
        """Ask for a fresh code (the number must be stopped, failed or logged out)."""
        self._rotation = -1
        self._first_qr_at = None
        self._started = True
        self.qr_view.set_payload(None)
        self.pair_code_label.hide()
        self.qr_view.show()
        self.retranslate()
        try:
            await self.bridge.start_session(self.phone or "")
        except ActionError as exc:
            if alive(self):
                self.state_label.setText(str(exc))

    @async_slot
    async def _on_simulate_button_clicked(self) -> None:
        try:
            await self.bridge.simulate(self.phone, "scan")
        except ActionError as exc:
            if alive(self):
                self.state_label.setText(str(exc))

    @property
    def linking_started(self) -> bool:
        """This panel asked for a code (its number connecting means "linked")."""
        return self._started

    def stop_listening(self) -> None:
        self._qr_countdown_timer.stop()
        self.bridge.snapshots_changed.disconnect(self._on_bridge_snapshots_changed)
