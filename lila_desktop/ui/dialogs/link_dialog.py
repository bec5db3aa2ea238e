"""Add a number and link it: validate, then the rotating QR inline, or a pairing code.

Page 1 asks for the number (checked as you type) and a name; page 2 shows
the QR with a countdown to the next code, "Link with phone number" for an
8-character pairing code, and "New code" once linking timed out. With the
simulated transport a "Simulate scan" button stands in for the phone.
Success (the number connects) closes the dialog.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.ui import i18n, texts
from lila_desktop.ui.aslot import async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.widgets.qr_view import QrView

logger = logging.getLogger(__name__)

# WhatsApp's rotation: the first code lives 60 s, each next one 20 s (NEONIZE_NOTES 10).
QR_LIFETIMES = (60.0, 20.0, 20.0, 20.0, 20.0, 20.0)
_LINKING = (Status.CONNECTING, Status.QR, Status.PAIRING)


class LinkDialog(QDialog):
    def __init__(
        self, bridge: PoolBridge, phone: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("link_dialog")
        self.bridge = bridge
        self.phone = phone
        self._qr: str | None = None
        self._qr_at: float | None = None
        self._rotation = -1
        self._linked = False
        self.setMinimumWidth(460)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_entry_page())
        self.pages.addWidget(self._build_link_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        self._qr_countdown_timer = QTimer(self)
        self._qr_countdown_timer.setObjectName("qr_countdown_timer")
        self._qr_countdown_timer.setInterval(1000)
        self._qr_countdown_timer.timeout.connect(self._on_qr_countdown_timer_timeout)
        bridge.snapshots_changed.connect(self._on_bridge_snapshots_changed)
        self._listening = True
        self.retranslate()
        if phone is not None:
            self._show_link_page()

    # --- pages -------------------------------------------------------------

    def _build_entry_page(self) -> QWidget:
        page = QWidget(self)
        self.number_edit = QLineEdit(page)
        self.number_edit.setObjectName("number_edit")
        self.number_edit.setPlaceholderText("51902049935")
        self.number_edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.number_edit.textEdited.connect(self._on_number_edit_text_edited)
        self.name_edit = QLineEdit(page)
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setMaxLength(60)
        self.error_label = QLabel(page)
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.intro_label = QLabel(page)
        self.intro_label.setWordWrap(True)
        self.form = QFormLayout()
        self.number_label = QLabel(page)
        self.number_label.setBuddy(self.number_edit)
        self.name_label = QLabel(page)
        self.name_label.setBuddy(self.name_edit)
        self.form.addRow(self.number_label, self.number_edit)
        self.form.addRow(self.name_label, self.name_edit)
        self.entry_buttons = QDialogButtonBox(page)
        self.next_button = self.entry_buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.next_button.setObjectName("next_button")
        self.next_button.setDefault(True)
        self.entry_cancel = self.entry_buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.entry_buttons.accepted.connect(self._on_next_button_clicked)
        self.entry_buttons.rejected.connect(self.reject)
        box = QVBoxLayout(page)
        box.addWidget(self.intro_label)
        box.addLayout(self.form)
        box.addWidget(self.error_label)
        box.addStretch(1)
        box.addWidget(self.entry_buttons)
        return page

    def _build_link_page(self) -> QWidget:
        page = QWidget(self)
        self.link_title = QLabel(page)
        self.link_title.setObjectName("link_title")
        bold = QFont(self.link_title.font())
        bold.setPointSizeF(bold.pointSizeF() * 1.2)
        bold.setBold(True)
        self.link_title.setFont(bold)
        self.steps_label = QLabel(page)
        self.steps_label.setWordWrap(True)
        self.qr_view = QrView(page)
        self.qr_view.setObjectName("qr_view")
        self.pair_code_label = QLabel(page)
        self.pair_code_label.setObjectName("pair_code_label")
        self.pair_code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pair_code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = QFont("DejaVu Sans Mono")
        big.setStyleHint(QFont.StyleHint.Monospace)
        big.setPointSizeF(self.font().pointSizeF() * 2.6)
        big.setBold(True)
        self.pair_code_label.setFont(big)
        self.pair_code_label.hide()
        self.countdown_label = QLabel(page)
        self.countdown_label.setObjectName("countdown_label")
        self.countdown_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label = QLabel(page)
        self.state_label.setObjectName("state_label")
        self.state_label.setWordWrap(True)
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.pair_button = QPushButton(page)
        self.pair_button.setObjectName("pair_button")
        self.pair_button.clicked.connect(self._on_pair_button_clicked)
        self.regenerate_button = QPushButton(page)
        self.regenerate_button.setObjectName("regenerate_button")
        self.regenerate_button.clicked.connect(self._on_regenerate_button_clicked)
        self.regenerate_button.hide()
        self.simulate_button = QPushButton(page)
        self.simulate_button.setObjectName("simulate_scan_button")
        self.simulate_button.clicked.connect(self._on_simulate_button_clicked)
        self.simulate_button.setVisible(self.bridge.transport == "simulated")
        self.close_button = QPushButton(page)
        self.close_button.setObjectName("close_button")
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.pair_button)
        row.addWidget(self.regenerate_button)
        row.addWidget(self.simulate_button)
        row.addStretch(1)
        row.addWidget(self.close_button)

        box = QVBoxLayout(page)
        box.addWidget(self.link_title)
        box.addWidget(self.steps_label)
        box.addWidget(self.qr_view, 1, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.pair_code_label)
        box.addWidget(self.countdown_label)
        box.addWidget(self.state_label)
        box.addLayout(row)
        return page

    def retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("Add a number") if self.phone is None else self.tr("Link a number")
        )
        self.intro_label.setText(
            self.tr("Type the WhatsApp number with its country code, digits only.")
        )
        self.number_label.setText(self.tr("&Number:"))
        self.name_label.setText(self.tr("N&ame (optional):"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Shop front"))
        self.next_button.setText(self.tr("&Next"))
        self.pair_button.setText(
            self.tr("Link with &phone number")
            if not self.pair_code_label.isVisible()
            else self.tr("Show &QR code")
        )
        self.regenerate_button.setText(self.tr("&New code"))
        self.simulate_button.setText(self.tr("&Simulate scan (demo)"))
        self.close_button.setText(self.tr("&Close"))
        if self.phone is not None:
            self.link_title.setText(self.tr("Link %1").replace("%1", f"+{self.phone}"))
        self._update_steps()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_steps(self) -> None:
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

    # --- entry page --------------------------------------------------------

    def _on_number_edit_text_edited(self, _text: str) -> None:
        self.error_label.clear()

    @async_slot
    async def _on_next_button_clicked(self) -> None:
        try:
            phone = normalize_phone(self.number_edit.text())
        except InvalidPhoneNumber as exc:
            self._show_error(self._phone_error(exc))
            return
        existing = self.bridge.snapshot(phone)
        if existing is not None and existing.is_connected:
            self._show_error(self.tr("+%1 is already linked and connected.").replace("%1", phone))
            return
        self.next_button.setEnabled(False)
        try:
            snap = await self.bridge.add(phone, self.name_edit.text())
        except ActionError as exc:
            self._show_error(str(exc))
            return
        finally:
            self.next_button.setEnabled(True)
        self.phone = snap.phone
        self._show_link_page(snap)

    def _phone_error(self, exc: InvalidPhoneNumber) -> str:
        generic = self.tr(
            "Type the number with its country code and digits only, 8 to 15 of them "
            "(for example 51902049935)."
        )
        # The precise reason is English (core); in another language the general rule helps more.
        return str(exc) if i18n.current_language() == "en" else generic

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.number_edit.setFocus()
        self.number_edit.selectAll()

    # --- link page ---------------------------------------------------------

    def _show_link_page(self, snap: SessionSnapshot | None = None) -> None:
        self.pages.setCurrentIndex(1)
        self.retranslate()
        self._qr_countdown_timer.start()
        snap = snap or self.bridge.snapshot(self.phone or "")
        if snap is not None and snap.status not in _LINKING and not snap.is_connected:
            # Opened on a stopped or logged-out number: linking is what was asked for.
            self._on_regenerate_button_clicked()
        elif snap is not None:
            self._render(snap)
        self.close_button.setFocus()

    def _on_bridge_snapshots_changed(self, batch: list[SessionSnapshot]) -> None:
        for snap in batch:
            if snap.phone == self.phone and self.pages.currentIndex() == 1:
                self._render(snap)

    def _render(self, snap: SessionSnapshot) -> None:
        if snap.is_connected:
            self._linked = True
            self._qr_countdown_timer.stop()
            logger.info("linked from the dialog", extra={"event": "ui_linked", "phone": snap.phone})
            self.accept()
            return
        if snap.qr != self._qr and snap.qr is not None:
            self._qr, self._qr_at = snap.qr, snap.qr_at or time.time()
            self._rotation += 1
            self.qr_view.set_payload(snap.qr)
        if snap.pair_code:
            self._show_pair_code(snap.pair_code)
        linking = snap.status in _LINKING
        waiting = snap.status in (Status.QR, Status.PAIRING)
        self.regenerate_button.setVisible(not linking)
        # Only what can be used now is shown (and the row never overflows).
        self.simulate_button.setVisible(self.bridge.transport == "simulated" and waiting)
        self.pair_button.setVisible(waiting)
        if not linking:
            self._qr = None
            self.qr_view.set_dimmed(True)
            self.countdown_label.setText(self.tr("This code expired."))
            self.state_label.setText(
                self.tr("Press New code to try again.")
                if snap.status in (Status.STOPPED, Status.FAILED)
                else texts.status_label(snap.status)
            )
            self.regenerate_button.setFocus()
        else:
            self.state_label.setText(texts.status_label(snap.status))
            self._on_qr_countdown_timer_timeout()

    def _on_qr_countdown_timer_timeout(self) -> None:
        if self._qr is None or self._qr_at is None:
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
            self.state_label.setText(str(exc))
            return
        finally:
            self.pair_button.setEnabled(True)
        self._show_pair_code(code)

    @async_slot
    async def _on_regenerate_button_clicked(self) -> None:
        self._rotation = -1
        self.qr_view.set_payload(None)
        self.pair_code_label.hide()
        self.qr_view.show()
        self.retranslate()
        try:
            await self.bridge.start_session(self.phone or "")
        except ActionError as exc:
            self.state_label.setText(str(exc))

    @async_slot
    async def _on_simulate_button_clicked(self) -> None:
        try:
            await self.bridge.simulate(self.phone, "scan")
        except ActionError as exc:
            self.state_label.setText(str(exc))

    def done(self, result: int) -> None:
        self._qr_countdown_timer.stop()
        if self._listening:
            self._listening = False
            self.bridge.snapshots_changed.disconnect(self._on_bridge_snapshots_changed)
        super().done(result)

    @property
    def linked(self) -> bool:
        return self._linked
