"""Settings: backups kept, grace period, start on login, notifications, language;
the local API; the messages (local monthly limit, company portal address and
company id, pause between messages, webhook). Three tabs, so the dialog fits a
small screen at 150 %.

The dialog only edits a `Settings` value (and the portal address, which the
controller keeps in the keyring, never in settings.json); the window saves and
applies them (language, notifications and the local limit at once; the rest
as labelled). The webhook is the exception: its own dialog (the Outbox tab's)
saves it in the outbox at once, so Save and Cancel here do not touch it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.settings import (
    API_PORT_RANGE,
    GRACE_MINUTES_RANGE,
    KEEP_BACKUPS_RANGE,
    MAX_COMPANY_ID,
    QUOTA_LIMIT_RANGE,
    SEND_INTERVAL_RANGE,
    Settings,
    SettingsError,
)
from lila_desktop.services.outbox.records import WebhookConfig
from lila_desktop.services.outbox.store import OutboxStore
from lila_desktop.ui.widgets.webhook_dialog import WebhookSetting

_NOTE = "color: palette(mid);"
_PROBLEM = "color: #b3261e;"


class _Scrolling(QScrollArea):
    """A page that scrolls only when the screen is too small for all of it (a
    laptop at 150 %): it asks for its whole page, and Qt caps a new dialog at
    two thirds of the screen."""

    def __init__(self, page: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(page)
        self.page = page

    def sizeHint(self) -> QSize:
        bar = self.verticalScrollBar().sizeHint().width()
        return self.page.sizeHint() + QSize(bar, 0)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        *,
        data_dir: Path,
        api_key: str | None,
        api_note: str,
        autostart_available: bool,
        portal_uri: str | None = None,
        portal_uri_problem: str = "",
        env_limit: str | None = None,
        env_uri: bool = False,
        webhook_store: OutboxStore | None = None,
        webhook: WebhookConfig | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`webhook_store`: the outbox's store (None while it starts); `webhook`: what
        it holds now."""
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        self._original = settings
        self._original_uri = portal_uri or ""
        self.result_settings: Settings | None = None
        self.result_uri = self._original_uri  # "" removes the stored address
        self.uri_changed = False

        self.keep_spin = QSpinBox(self)
        self.keep_spin.setObjectName("keep_spin")
        self.keep_spin.setRange(*KEEP_BACKUPS_RANGE)
        self.keep_spin.setValue(settings.keep_backups)
        self.grace_spin = QSpinBox(self)
        self.grace_spin.setObjectName("grace_spin")
        self.grace_spin.setRange(*GRACE_MINUTES_RANGE)
        self.grace_spin.setSuffix(self.tr(" min"))
        self.grace_spin.setValue(settings.grace_period_minutes)
        self.login_check = QCheckBox(self.tr("Start Lila Desktop when I log in"), self)
        self.login_check.setObjectName("login_check")
        self.login_check.setChecked(settings.start_on_login and autostart_available)
        self.login_check.setEnabled(autostart_available)
        if not autostart_available:
            self.login_check.setToolTip(self.tr("Not available on this system."))
        self.notify_check = QCheckBox(self.tr("Tell me when a number needs me or recovers"), self)
        self.notify_check.setObjectName("notify_check")
        self.notify_check.setChecked(settings.notifications)
        # Off by default: with it on, WhatsApp shows customers an AI/bot label.
        self.bot_check = QCheckBox(
            self.tr("Mark my messages as sent by a bot (customers see an AI/bot label)"), self
        )
        self.bot_check.setObjectName("bot_check")
        self.bot_check.setToolTip(
            self.tr("Off: your messages look like any person's. Applies from the next start.")
        )
        self.bot_check.setChecked(settings.bot_label)
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("language_combo")
        for code, label in (
            ("system", self.tr("Same as the system")),
            ("en", "English"),
            ("es", "Español"),
        ):
            self.language_combo.addItem(label, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))

        general = QWidget(self)
        form = QFormLayout(general)
        form.addRow(
            self._label(self.tr("&Backups kept per number:"), self.keep_spin), self.keep_spin
        )
        form.addRow(
            self._label(self.tr("Tell me after a number is down for:"), self.grace_spin),
            self.grace_spin,
        )
        form.addRow(self.login_check)  # one widget: spans the row, long labels fit
        form.addRow(self.notify_check)
        form.addRow(self.bot_check)
        form.addRow(self._label(self.tr("&Language:"), self.language_combo), self.language_combo)
        restart_note = QLabel(
            self.tr("Backups kept and the waiting time apply from the next start."), general
        )
        restart_note.setWordWrap(True)
        restart_note.setStyleSheet(_NOTE)
        form.addRow(restart_note)

        self.api_check = QCheckBox(
            self.tr("Let the shop's other programs use Lila (local API)"), self
        )
        self.api_check.setObjectName("api_check")
        self.api_check.setChecked(settings.api_enabled)
        self.port_spin = QSpinBox(self)
        self.port_spin.setObjectName("port_spin")
        self.port_spin.setRange(*API_PORT_RANGE)
        self.port_spin.setGroupSeparatorShown(False)
        self.port_spin.setValue(settings.api_port)
        self.key_edit = QLineEdit(api_key or "", self)
        self.key_edit.setObjectName("api_key_edit")
        self.key_edit.setReadOnly(True)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("not available"))
        self.show_key = QPushButton(self.tr("S&how"), self)
        self.show_key.setCheckable(True)
        self.show_key.toggled.connect(self._on_show_key_toggled)
        self.copy_key = QPushButton(self.tr("&Copy"), self)
        self.copy_key.setObjectName("copy_key_button")
        self.copy_key.clicked.connect(self._on_copy_key_clicked)
        self.copy_key.setEnabled(bool(api_key))
        self.show_key.setEnabled(bool(api_key))
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.copy_key)
        api = QWidget(self)
        api_form = QFormLayout(api)
        api_form.addRow(self.api_check)
        api_form.addRow(self._label(self.tr("&Port:"), self.port_spin), self.port_spin)
        api_form.addRow(self._label(self.tr("API &key:"), self.key_edit), key_row)
        note = QLabel(api_note, api)
        note.setWordWrap(True)
        note.setObjectName("api_note")
        api_form.addRow(note)

        folder = QLineEdit(str(data_dir), self)
        folder.setObjectName("data_dir_edit")
        folder.setReadOnly(True)
        folder.setCursorPosition(0)
        form.addRow(self.tr("Data folder:"), folder)

        quota = self._quota_page(settings, portal_uri_problem, env_limit, env_uri)
        self._add_webhook(quota, webhook_store, webhook)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settings_tabs")
        self.tabs.addTab(general, self.tr("&General"))
        self.tabs.addTab(api, self.tr("Local &API"))
        self.tabs.addTab(_Scrolling(quota, self), self.tr("&Messages"))

        self.error_label = QLabel(self)
        self.error_label.setObjectName("settings_error")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.tabs, self.error_label, buttons):
            layout.addWidget(widget)

    def _quota_page(
        self, settings: Settings, uri_problem: str, env_limit: str | None, env_uri: bool
    ) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.limit_spin = QSpinBox(page)
        self.limit_spin.setObjectName("quota_limit_spin")
        self.limit_spin.setRange(*QUOTA_LIMIT_RANGE)
        self.limit_spin.setGroupSeparatorShown(True)
        self.limit_spin.setSuffix(self.tr(" messages"))
        self.limit_spin.setValue(settings.quota_limit)
        form.addRow(
            self._label(self.tr("Monthly &limit (local):"), self.limit_spin), self.limit_spin
        )
        if env_limit:
            form.addRow(
                self._note(
                    self.tr("LILA_QUOTA_LIMIT is set to %1 and overrides this limit.").replace(
                        "%1", env_limit
                    ),
                    page,
                )
            )
        self.uri_edit = QLineEdit(self._original_uri, page)
        self.uri_edit.setObjectName("portal_uri_edit")
        self.uri_edit.setEchoMode(QLineEdit.EchoMode.Password)  # it holds a password
        self.uri_edit.setPlaceholderText(self.tr("empty: count messages on this computer"))
        self.show_uri = QPushButton(self.tr("Sho&w"), page)
        self.show_uri.setCheckable(True)
        self.show_uri.toggled.connect(self._on_show_uri_toggled)
        uri_row = QHBoxLayout()
        uri_row.addWidget(self.uri_edit, 1)
        uri_row.addWidget(self.show_uri)
        form.addRow(self._label(self.tr("Company &portal (MongoDB URI):"), self.uri_edit), uri_row)
        if uri_problem:
            self.uri_edit.setEnabled(False)
            self.show_uri.setEnabled(False)
            problem = self._note(uri_problem, page)
            problem.setObjectName("portal_uri_problem")
            problem.setStyleSheet(_PROBLEM)
            form.addRow(problem)
        if env_uri:
            form.addRow(
                self._note(self.tr("LILA_MONGODB_URI is set and overrides this address."), page)
            )
        self.company_edit = QLineEdit(settings.company_id, page)
        self.company_edit.setObjectName("company_id_edit")
        self.company_edit.setMaxLength(MAX_COMPANY_ID)
        self.company_edit.setPlaceholderText(self.tr("optional: found by the sending number"))
        form.addRow(self._label(self.tr("Company &id:"), self.company_edit), self.company_edit)
        self.interval_spin = QSpinBox(page)
        self.interval_spin.setObjectName("send_interval_spin")
        self.interval_spin.setRange(*SEND_INTERVAL_RANGE)
        self.interval_spin.setSuffix(self.tr(" s"))
        self.interval_spin.setValue(settings.send_interval_seconds)
        form.addRow(
            self._label(self.tr("&Pause between messages:"), self.interval_spin),
            self.interval_spin,
        )
        form.addRow(
            self._note(
                self.tr(
                    "WhatsApp may ban a number that sends many messages in a burst. Lila "
                    "waits at least this long between two messages of the same number (up "
                    "to half as long again, at random); the others wait their turn in the "
                    "outbox. 3 seconds suits most shops; applies at once."
                ),
                page,
            )
        )
        form.addRow(
            self._note(
                self.tr(
                    "Without a portal address, messages count against the monthly limit on "
                    "this computer; with one, against the company's plan in the portal. The "
                    "address is kept in the system keyring, never in a file. The limit "
                    "applies at once; the address and the company id from the next start."
                ),
                page,
            )
        )
        return page

    def _add_webhook(
        self, page: QWidget, store: OutboxStore | None, config: WebhookConfig | None
    ) -> None:
        form = page.layout()
        assert isinstance(form, QFormLayout)
        self.webhook_setting = WebhookSetting(store, config, page)
        form.addRow(
            self._label(self.tr("&Webhook:"), self.webhook_setting.button), self.webhook_setting
        )
        form.addRow(
            self._note(
                self.tr(
                    "Optional. A webhook tells the shop's own system what happens to each "
                    "message (waiting, sent, delivered, read, failed): Lila sends every change "
                    "to that web address, signed so your system can trust it. An address on "
                    "this computer or the shop's network (localhost, 192.168…) is refused "
                    "unless you tick it explicitly. Changes apply at once, without Save."
                ),
                page,
            )
        )

    def _note(self, text: str, parent: QWidget) -> QLabel:
        note = QLabel(text, parent)
        note.setWordWrap(True)
        note.setStyleSheet(_NOTE)
        return note

    def _on_show_uri_toggled(self, shown: bool) -> None:
        self.uri_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _on_show_key_toggled(self, shown: bool) -> None:
        self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _on_copy_key_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.key_edit.text())
        self.copy_key.setText(self.tr("Copied"))

    def edited(self) -> Settings:
        return self._original.with_changes(
            keep_backups=self.keep_spin.value(),
            grace_period_minutes=self.grace_spin.value(),
            start_on_login=self.login_check.isChecked(),
            notifications=self.notify_check.isChecked(),
            bot_label=self.bot_check.isChecked(),
            api_enabled=self.api_check.isChecked(),
            api_port=self.port_spin.value(),
            language=str(self.language_combo.currentData()),
            quota_limit=self.limit_spin.value(),
            company_id=self.company_edit.text().strip(),
            send_interval_seconds=self.interval_spin.value(),
        )

    def _on_buttons_accepted(self) -> None:
        try:
            self.result_settings = self.edited()
        except SettingsError as exc:  # the spin boxes keep ranges; this is belt and braces
            self.error_label.setText(str(exc))
            return
        uri = self.uri_edit.text().strip()
        if self.uri_edit.isEnabled() and uri != self._original_uri:
            if uri and not uri.startswith(("mongodb://", "mongodb+srv://")):
                self.tabs.setCurrentIndex(2)
                self.uri_edit.setFocus()
                self.error_label.setText(
                    self.tr(
                        "The company portal address must start with mongodb:// or "
                        "mongodb+srv://; copy the connection string from the company portal."
                    )
                )
                return
            self.result_uri, self.uri_changed = uri, True
        self.accept()
