"""Shown when the vault has no usable key: the keyring problem in plain words.

The owner chooses explicitly: use a passphrase instead (typed twice the first
time; the same passphrase is needed on every start), or quit. There is no
silent plaintext fallback (PRODUCT.md §2).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MIN_PASSPHRASE = 8


class KeyringProblemDialog(QDialog):
    def __init__(self, problem: str, *, first_time: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyring_dialog")
        self.setWindowTitle(self.tr("Lila Desktop cannot lock its safe"))
        self.setMinimumWidth(520)
        self.first_time = first_time
        head = QLabel(
            self.tr(
                "<b>Your WhatsApp logins are kept encrypted, and the key is normally kept by "
                "the system keyring. The keyring did not answer:</b>"
            ),
            self,
        )
        head.setWordWrap(True)
        detail = QLabel(problem, self)
        detail.setObjectName("problem_label")
        detail.setWordWrap(True)
        choice = QLabel(
            self.tr(
                "You can use a passphrase instead. Lila will ask for it every time it starts; "
                "without it the saved logins cannot be opened. Or quit and fix the keyring "
                "(log in to your desktop session, unlock the keyring), then start again."
            ),
            self,
        )
        choice.setWordWrap(True)
        self.pass_edit = QLineEdit(self)
        self.pass_edit.setObjectName("passphrase_edit")
        self.pass_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit(self)
        self.again_edit.setObjectName("passphrase_again_edit")
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        label = QLabel(self.tr("&Passphrase:"), self)
        label.setBuddy(self.pass_edit)
        form.addRow(label, self.pass_edit)
        if first_time:
            again = QLabel(self.tr("&Again:"), self)
            again.setBuddy(self.again_edit)
            form.addRow(again, self.again_edit)
        else:
            self.again_edit.hide()
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        use = buttons.addButton(
            self.tr("&Use this passphrase"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        use.setObjectName("use_passphrase_button")
        quit_button = buttons.addButton(self.tr("&Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quit_button")
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (head, detail, choice):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    @property
    def passphrase(self) -> str:
        return self.pass_edit.text()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)

    def _on_buttons_accepted(self) -> None:
        if len(self.passphrase) < MIN_PASSPHRASE:
            self.show_error(
                self.tr("At least %1 characters, please.").replace("%1", str(MIN_PASSPHRASE))
            )
        elif self.first_time and self.passphrase != self.again_edit.text():
            self.show_error(self.tr("The two passphrases are not the same."))
        else:
            self.accept()
