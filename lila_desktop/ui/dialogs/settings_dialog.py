"""Settings: backups kept, grace period, start on login, notifications, API, language.

The dialog only edits a `Settings` value; the window saves and applies it
(language and notifications at once; the rest as labelled).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lila_desktop.core.settings import (
    API_PORT_RANGE,
    GRACE_MINUTES_RANGE,
    KEEP_BACKUPS_RANGE,
    Settings,
    SettingsError,
)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        *,
        data_dir: Path,
        api_key: str | None,
        api_note: str,
        autostart_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        self._original = settings
        self.result_settings: Settings | None = None

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
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("language_combo")
        for code, label in (
            ("system", self.tr("Same as the system")),
            ("en", "English"),
            ("es", "Español"),
        ):
            self.language_combo.addItem(label, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))

        general = QGroupBox(self.tr("General"), self)
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
        form.addRow(self._label(self.tr("&Language:"), self.language_combo), self.language_combo)
        restart_note = QLabel(
            self.tr("Backups kept and the waiting time apply from the next start."), general
        )
        restart_note.setWordWrap(True)
        restart_note.setStyleSheet("color: palette(mid);")
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
        api = QGroupBox(self.tr("Local API"), self)
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
        data_box = QGroupBox(self.tr("Data folder"), self)
        QVBoxLayout(data_box).addWidget(folder)

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
        for widget in (general, api, data_box, self.error_label, buttons):
            layout.addWidget(widget)

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
            api_enabled=self.api_check.isChecked(),
            api_port=self.port_spin.value(),
            language=str(self.language_combo.currentData()),
        )

    def _on_buttons_accepted(self) -> None:
        try:
            self.result_settings = self.edited()
        except SettingsError as exc:  # the spin boxes keep ranges; this is belt and braces
            self.error_label.setText(str(exc))
            return
        self.accept()
