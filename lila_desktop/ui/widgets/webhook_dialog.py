"""The webhook, set from the window: where every message state change is POSTed.

Same rules as `PUT /api/webhook`: an http(s) URL, local or private addresses
only when allowed explicitly; saving shows the signing secret to copy into the
shop's server. Opened from the Outbox tab and from Settings (Messages tab,
`WebhookSetting`): both run this one dialog through `WebhookDialog.run`.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.outbox.records import WebhookConfig
from lila_desktop.services.outbox.store import OutboxStore
from lila_desktop.services.outbox.webhooks import WebhookRefused, configure
from lila_desktop.ui.asking import wait_finished
from lila_desktop.ui.aslot import alive, async_slot

OK_STYLE = "color: #1d6b34;"
BAD_STYLE = "color: #b3261e;"


class WebhookDialog(QDialog):
    def __init__(self, store: OutboxStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("webhook_dialog")
        self.setWindowTitle(self.tr("Webhook"))
        self.setMinimumWidth(520)
        self.store = store
        intro = QLabel(
            self.tr(
                "Lila can tell the shop's system about every message: queued, sent, "
                "delivered, read, failed… Each change is sent to this address as JSON, "
                "signed with a secret (header X-Lila-Signature), and sent again until your "
                "server accepts it."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("webhook_url_edit")
        self.url_edit.setPlaceholderText("https://shop.example.com/lila-events")
        self.private_check = QCheckBox(
            self.tr("Allow an address on this computer or the shop's network"), self
        )
        self.private_check.setObjectName("webhook_private_check")
        self.secret_edit = QLineEdit(self)
        self.secret_edit.setObjectName("webhook_secret_edit")
        self.secret_edit.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setObjectName("webhook_copy_button")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_edit, 1)
        secret_row.addWidget(self.copy_button)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("webhook_result")
        self.result_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("webhook_save_button")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.off_button = QPushButton(self.tr("Turn off"), self)
        self.off_button.setObjectName("webhook_off_button")
        self.off_button.clicked.connect(self._on_off_button_clicked)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)

        form = QFormLayout()
        form.addRow(self.tr("Address:"), self.url_edit)
        form.addRow(self.private_check)
        form.addRow(self.tr("Secret:"), secret_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.off_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        self._show_secret(None)

    async def load(self) -> None:
        """Fill in what is configured now (the secret stays hidden until saved again)."""
        config = await run_blocking(self.store.webhook)
        if not alive(self) or config is None:
            return
        self.url_edit.setText(config.url)
        self.private_check.setChecked(config.allow_private)
        self._say(self.tr("Webhook on. Save again to get a new secret."), good=True)

    async def run(self) -> WebhookConfig | None:
        """Show what is set, wait until the owner closes the dialog, then delete it;
        returns what is set then (saving and turning off apply at once, in the dialog)."""
        try:
            await self.load()
            await wait_finished(self)
        finally:
            if alive(self):
                self.deleteLater()
        return await run_blocking(self.store.webhook)

    def _show_secret(self, secret: str | None) -> None:
        self.secret_edit.setText(secret or "")
        self.copy_button.setEnabled(bool(secret))

    def _say(self, text: str, *, good: bool) -> None:
        self.result_label.setStyleSheet(OK_STYLE if good else BAD_STYLE)
        self.result_label.setText(text)

    @async_slot
    async def _on_save_button_clicked(self) -> None:
        url, private = self.url_edit.text(), self.private_check.isChecked()
        self.save_button.setEnabled(False)
        try:
            config = await configure(self.store, url, allow_private=private)
        except WebhookRefused as exc:
            if alive(self):
                self._say(str(exc), good=False)
            return
        finally:
            if alive(self):
                self.save_button.setEnabled(True)
        if alive(self):
            self._show_secret(config.secret)
            self._say(
                self.tr("Saved. Copy the secret into your server to check the signatures."),
                good=True,
            )

    @async_slot
    async def _on_off_button_clicked(self) -> None:
        await run_blocking(self.store.set_webhook, None)
        if alive(self):
            self._show_secret(None)
            self._say(self.tr("Webhook off: nothing more is sent."), good=True)

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.secret_edit.text())
        self.copy_button.setText(self.tr("Copied"))


class WebhookSetting(QWidget):
    """The webhook as one row of Settings: the address in use (or "not set") and
    a button that opens the same dialog as the Outbox tab."""

    def __init__(
        self,
        store: OutboxStore | None,
        config: WebhookConfig | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("webhook_setting")
        self.store = store
        self.dialog: WebhookDialog | None = None
        self.url_view = QLineEdit(self)
        self.url_view.setObjectName("webhook_url_view")
        self.url_view.setReadOnly(True)
        self.button = QPushButton(self)
        self.button.setObjectName("webhook_setting_button")
        self.button.clicked.connect(self._on_button_clicked)
        self.private_note = QLabel(
            self.tr("Addresses on this computer or the shop's network are allowed."), self
        )
        self.private_note.setObjectName("webhook_private_note")
        self.private_note.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url_view, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.private_note)
        if store is None:  # the outbox starts after the window
            self.url_view.setPlaceholderText(self.tr("can be set once Lila has started"))
            self.button.setEnabled(False)
        self.show_config(config)

    def show_config(self, config: WebhookConfig | None) -> None:
        self.config = config
        if self.store is not None:
            self.url_view.setPlaceholderText(self.tr("not set"))
        self.url_view.setText(config.url if config is not None else "")
        self.url_view.setCursorPosition(0)
        self.button.setText(self.tr("Change…") if config is not None else self.tr("Set up…"))
        self.private_note.setVisible(config is not None and config.allow_private)

    @async_slot
    async def _on_button_clicked(self) -> None:
        if self.store is None:
            return
        if self.dialog is not None:
            self.dialog.raise_()
            return
        self.dialog = WebhookDialog(self.store, self.window())
        try:
            config = await self.dialog.run()
        finally:
            if alive(self):
                self.dialog = None
        if alive(self):
            self.show_config(config)
