"""Send a test message from one number: recipient, text, character count, result.

The send goes through the one send path (services.messaging, via the
bridge): the quota is checked before and counted after, as for the local
API. The dialog stays open and says what happened in plain words, so the
owner can fix the input and send again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.quota import CompanyNotFound, QuotaExceeded, QuotaUnavailable
from lila_desktop.core.status import Status
from lila_desktop.services.messaging import (
    MAX_TEXT,
    InvalidRecipient,
    InvalidText,
    MessageRefused,
    NotConnected,
    check_recipient,
    check_text,
)
from lila_desktop.services.outbox import NeedsOwner
from lila_desktop.services.outbox.send import SentMessage
from lila_desktop.services.pool import PoolError
from lila_desktop.ui import texts
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError
from lila_desktop.ui.quota_monitor import describe

logger = logging.getLogger(__name__)

SendFn = Callable[[str, str], Awaitable[SentMessage]]
_GOOD = "color: #1d6b34;"
_BAD = "color: #b3261e;"
_NOT_CONNECTED_CODES = ("SESSION_NOT_CONNECTED", "NOT_CONNECTED", "NOT_RUNNING")


def not_connected_words(who: str, status: str | None) -> str:
    try:
        label = texts.status_label(Status(status or ""))
    except ValueError:
        label = "—"
    return (
        QCoreApplication.translate(
            "SendMessageDialog",
            "Not sent: %1 is not connected (%2). Connect it, or link it again, and wait until "
            "it shows Connected; then send again.",
        )
        .replace("%1", who)
        .replace("%2", label)
    )


def input_words(exc: MessageRefused, text: str) -> str:
    if isinstance(exc, InvalidRecipient):
        return QCoreApplication.translate(
            "SendMessageDialog",
            "Type the recipient's number with its country code, e.g. 51987654321 "
            "(or a WhatsApp id such as 51987654321@s.whatsapp.net).",
        )
    if len(text) > MAX_TEXT:
        return (
            QCoreApplication.translate(
                "SendMessageDialog", "The message is too long: %1 characters; at most %2."
            )
            .replace("%1", str(len(text)))
            .replace("%2", str(MAX_TEXT))
        )
    return QCoreApplication.translate("SendMessageDialog", "Write the message to send.")


def refusal_words(error: ActionError, who: str, status: str | None, text: str = "") -> str:
    """A refused send in the owner's words: what happened and what to do."""
    cause = error.cause
    if isinstance(cause, (NotConnected, NeedsOwner)):
        return not_connected_words(who, cause.status_value)
    if isinstance(cause, PoolError) and cause.code in _NOT_CONNECTED_CODES:
        return not_connected_words(who, status)
    if isinstance(cause, (InvalidRecipient, InvalidText)):
        return input_words(cause, text)
    if isinstance(cause, QuotaExceeded):
        s = cause.status
        words = (
            QCoreApplication.translate(
                "SendMessageDialog",
                "Not sent: this month's message quota is used up (%1 of %2 in %3; "
                "WHATSAPP_QUOTA_EXCEEDED).",
            )
            .replace("%1", str(s.used))
            .replace("%2", str(s.limit))
            .replace("%3", s.period)
        )
        if s.source == "local":
            return (
                words
                + " "
                + QCoreApplication.translate(
                    "SendMessageDialog",
                    "Wait for next month, or raise the monthly limit in Settings.",
                )
            )
        return (
            words
            + " "
            + QCoreApplication.translate(
                "SendMessageDialog", "Wait for next month, or ask the company for a bigger plan."
            )
        )
    if isinstance(cause, (CompanyNotFound, QuotaUnavailable)):
        view = describe(None, cause)
        assert view is not None
        return QCoreApplication.translate("SendMessageDialog", "Not sent: %1").replace(
            "%1", view.text
        )
    return QCoreApplication.translate("SendMessageDialog", "Not sent: %1").replace("%1", str(error))


class SendMessageDialog(QDialog):
    """Asks for a recipient and a text; `send(to, text)` does the sending."""

    def __init__(
        self,
        phone: str,
        name: str,
        send: SendFn,
        status: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("send_dialog")
        self.setMinimumWidth(460)
        self.phone = phone
        self.who = texts.who(phone, name)
        self._send = send
        self._status = status  # the number's current status value, for the words
        self.sent: list[SentMessage] = []
        self.setWindowTitle(self.tr("Send a test message"))

        intro = QLabel(
            QCoreApplication.translate(
                "SendMessageDialog",
                "Sends a real WhatsApp message from %1. It counts against this month's "
                "message quota.",
            ).replace("%1", self.who),
            self,
        )
        intro.setWordWrap(True)
        self.intro_label = intro
        self.to_edit = QLineEdit(self)
        self.to_edit.setObjectName("to_edit")
        self.to_edit.setPlaceholderText(self.tr("e.g. 51987654321"))
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("text_edit")
        self.text_edit.setTabChangesFocus(True)  # Tab moves on; keyboard users are not trapped
        self.text_edit.setPlainText(self.tr("Test message from Lila Desktop."))
        self.text_edit.setMinimumHeight(self.fontMetrics().height() * 5)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("count_label")
        form = QFormLayout()
        to_label = QLabel(self.tr("&To:"), self)
        to_label.setBuddy(self.to_edit)
        form.addRow(to_label, self.to_edit)
        text_label = QLabel(self.tr("&Message:"), self)
        text_label.setBuddy(self.text_edit)
        form.addRow(text_label, self.text_edit)
        form.addRow("", self.count_label)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("send_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.send_button = QPushButton(self.tr("&Send"), self)
        self.send_button.setObjectName("send_button")
        self.send_button.setDefault(True)
        # ActionRole: pressing it must not close the dialog (the result shows here).
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button.clicked.connect(self._on_send_button_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self._on_text_edit_text_changed()
        self.to_edit.setFocus()

    def _on_text_edit_text_changed(self) -> None:
        count = len(self.text_edit.toPlainText())
        self.count_label.setText(
            self.tr("%1 of %2 characters").replace("%1", str(count)).replace("%2", str(MAX_TEXT))
        )
        self.count_label.setStyleSheet(_BAD if count > MAX_TEXT else "color: palette(mid);")

    def _show(self, text: str, *, good: bool) -> None:
        self.result_label.setStyleSheet(_GOOD if good else _BAD)
        self.result_label.setText(text)

    @async_slot
    async def _on_send_button_clicked(self) -> None:
        await self.send_now()

    async def send_now(self) -> SentMessage | None:
        """Check the input, send, and show the outcome; returns what was sent."""
        to, text = self.to_edit.text(), self.text_edit.toPlainText()
        try:
            check_recipient(to)
            check_text(text)
        except MessageRefused as exc:
            self._show(input_words(exc, text), good=False)
            return None
        self.send_button.setEnabled(False)
        self._show(self.tr("Sending…"), good=True)
        try:
            sent = await self._send(to, text)
        except ActionError as exc:
            if alive(self):
                self._show(refusal_words(exc, self.who, self._status(), text), good=False)
            return None
        finally:
            if alive(self):
                self.send_button.setEnabled(True)
        if not alive(self):
            return sent
        self.sent.append(sent)
        to = sent.to if "@" in sent.to else f"+{sent.to}"
        if sent.status in ("sent", "delivered", "read"):
            words = self.tr("Sent to %1 (message id %2).")
        else:  # kept in the outbox: it goes out once the number is connected
            words = self.tr("Queued for %1: it goes out once the number is connected (id %2).")
        words = words.replace("%1", to).replace("%2", sent.message_id)
        view = describe(sent.quota) if sent.quota is not None else None
        self._show(words + (f" {view.text}" if view else ""), good=True)
        return sent
