"""The window face's way of refusing a start: one dialog saying what to change."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from lila_desktop.core.messages import Message
from lila_desktop.ui import i18n
from lila_desktop.ui.icons import app_icon
from lila_desktop.ui.message_texts import message_text


def start_error_box(message: Message) -> QMessageBox:
    """The dialog (not yet shown): that the start was refused, and what to change,
    in the owner's language."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Lila Desktop", "")
    box.setObjectName("start_error_box")
    box.setText(QCoreApplication.translate("StartError", "Lila Desktop could not start."))
    box.setInformativeText(message_text(message))
    box.setWindowIcon(app_icon())
    return box


def show_start_error(message: Message, language: str | None = None) -> None:
    """Show the dialog until the owner closes it (or SIGINT/SIGTERM arrives).

    Args:
        language: the Settings' choice when the start was refused before the
            window set the language (None: already set).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if language is not None:
        i18n.install_language(language)
    box = start_error_box(message)
    # Python runs signal handlers only between bytecodes: a named timer gives it
    # a chance while the dialog waits, so a service manager can still stop us.
    poll = QTimer(box)
    poll.setObjectName("signal_poll_timer")
    poll.timeout.connect(lambda: None)
    poll.start(200)
    previous = {
        sig: signal.signal(sig, lambda *_: QTimer.singleShot(0, box.reject))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        box.exec()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        box.deleteLater()
    del app
