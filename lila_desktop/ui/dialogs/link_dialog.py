"""Add a number and link it: validate, then the rotating QR inline, or a pairing code.

Page 1 asks for the number (checked as you type) and a name; page 2 shows
the QR with a countdown to the next code, "Link with phone number" for an
8-character pairing code, and "New code" once linking timed out. With the
simulated transport a "Simulate scan" button stands in for the phone.
Success (the number connects) closes the dialog.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.ui import i18n
from lila_desktop.ui.aslot import async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.widgets.link_panel import LINKING, QR_LIFETIMES, LinkPanel

logger = logging.getLogger(__name__)
__all__ = ["QR_LIFETIMES", "LinkDialog"]


class LinkDialog(QDialog):
    def __init__(
        self, bridge: PoolBridge, phone: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("link_dialog")
        self.bridge = bridge
        self.phone = phone
        self._linked = False
        self.setMinimumWidth(460)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_entry_page())
        self.pages.addWidget(self._build_link_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

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
        self.panel = LinkPanel(self.bridge, page)
        self.panel.linked.connect(self._on_panel_linked)
        # The panel's parts, by the names this dialog always had.
        self.qr_view = self.panel.qr_view
        self.pair_code_label = self.panel.pair_code_label
        self.countdown_label = self.panel.countdown_label
        self.state_label = self.panel.state_label
        self.pair_button = self.panel.pair_button
        self.regenerate_button = self.panel.regenerate_button
        self.simulate_button = self.panel.simulate_button
        self.close_button = QPushButton(page)
        self.close_button.setObjectName("close_button")
        self.close_button.clicked.connect(self.reject)
        self.panel.buttons.addWidget(self.close_button)

        box = QVBoxLayout(page)
        box.addWidget(self.link_title)
        box.addWidget(self.panel, 1)
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
        self.close_button.setText(self.tr("&Close"))
        if self.phone is not None:
            self.link_title.setText(self.tr("Link %1").replace("%1", f"+{self.phone}"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        snap = snap or self.bridge.snapshot(self.phone or "")
        self.panel.set_phone(self.phone, expecting=True)
        if snap is not None and snap.is_connected:
            self._on_panel_linked(snap.phone)
        elif snap is not None and snap.status not in LINKING:
            # Opened on a stopped or logged-out number: linking is what was asked for.
            self.panel.start()
        elif snap is not None:
            self.panel.show_snapshot(snap)
        self.close_button.setFocus()

    def _on_panel_linked(self, phone: str) -> None:
        if phone == self.phone and not self._linked:
            self._linked = True
            logger.info("linked from the dialog", extra={"event": "ui_linked", "phone": phone})
            self.accept()

    def done(self, result: int) -> None:
        if self._listening:
            self._listening = False
            self.panel.stop_listening()
        super().done(result)

    @property
    def linked(self) -> bool:
        return self._linked
