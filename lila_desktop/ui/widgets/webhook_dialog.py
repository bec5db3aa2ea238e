"""The webhook, set from the window: where every message state change is POSTed.

Same rules as `PUT /api/webhook`: an http(s) URL, local or private addresses
only when allowed explicitly; saving shows the signing secret to copy into the
shop's server. Opened from the Outbox tab.
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
from lila_desktop.services.outbox.store import OutboxStore
from lila_desktop.services.outbox.webhooks import WebhookRefused, configure
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
