"""Export and import of one session: a file and a passphrase (typed twice to export)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

EXPORT_SUFFIX = ".lilasession"
MIN_PASSPHRASE = 8


class TransferDialog(QDialog):
    """Asks for a file and a passphrase; `export=True` also asks to repeat it."""

    def __init__(
        self, *, export: bool, phone: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog" if export else "import_dialog")
        self.export = export
        self.setMinimumWidth(480)
        self.setWindowTitle(
            self.tr("Export +%1").replace("%1", phone or "")
            if export
            else self.tr("Import a session")
        )
        intro = QLabel(self)
        intro.setWordWrap(True)
        intro.setText(
            self.tr(
                "Saves this number's login, encrypted with a passphrase you choose, to move it to "
                "another computer. Keep the file and the passphrase apart."
            )
            if export
            else self.tr(
                "Brings in a number exported from another computer. Close Lila on that "
                "computer first: one number must not run in two places."
            )
        )
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("path_edit")
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.pass_edit = QLineEdit(self)
        self.pass_edit.setObjectName("passphrase_edit")
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit(self)
        self.again_edit.setObjectName("passphrase_again_edit")
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        file_label = QLabel(self.tr("&File:"), self)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)
        pass_label = QLabel(self.tr("&Passphrase:"), self)
        pass_label.setBuddy(self.pass_edit)
        form.addRow(pass_label, self.pass_edit)
        if export:
            again_label = QLabel(self.tr("&Again:"), self)
            again_label.setBuddy(self.again_edit)
            form.addRow(again_label, self.again_edit)
        else:
            self.again_edit.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("transfer_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton(
            self.tr("&Export") if export else self.tr("&Import"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        ok.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        if export and phone:
            self.path_edit.setText(str(Path.home() / f"lila-{phone}{EXPORT_SUFFIX}"))

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    @property
    def passphrase(self) -> str:
        return self.pass_edit.text()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)

    def _on_browse_clicked(self) -> None:
        picker = QFileDialog(
            self,
            self.windowTitle(),
            str(self.path.parent if self.path_edit.text() else Path.home()),
        )
        picker.setNameFilter(self.tr("Lila sessions (*%1)").replace("%1", EXPORT_SUFFIX))
        if self.export:
            picker.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            picker.setDefaultSuffix(EXPORT_SUFFIX.lstrip("."))
            picker.selectFile(self.path.name)
        else:
            picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        picker.fileSelected.connect(self.path_edit.setText)
        picker.open()

    def _on_buttons_accepted(self) -> None:
        if not self.path_edit.text().strip():
            self.show_error(self.tr("Choose a file."))
        elif len(self.passphrase) < MIN_PASSPHRASE:
            self.show_error(
                self.tr("The passphrase needs at least %1 characters.").replace(
                    "%1", str(MIN_PASSPHRASE)
                )
            )
        elif self.export and self.passphrase != self.again_edit.text():
            self.show_error(self.tr("The two passphrases are not the same."))
        else:
            self.accept()
