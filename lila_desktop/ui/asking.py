"""Awaitable dialogs: `open()` plus a future, never a nested `exec()`.

A nested `exec()` inside a coroutine running on qasync lets other tasks step
while this one is suspended mid-step ("Cannot enter into task ... while
another task is being executed"); opening the dialog window-modal and
awaiting its `finished` signal keeps one event loop and stays keyboard-usable.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QCheckBox, QDialog, QMessageBox, QWidget

from lila_desktop.ui.aslot import alive


async def wait_finished(dialog: QDialog) -> int:
    """Open `dialog` (window-modal) and wait until it is closed; returns its result code."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_finished(code: int) -> None:
        if not future.done():
            future.set_result(code)

    dialog.finished.connect(on_finished)
    dialog.open()
    try:
        return await future
    finally:
        if alive(dialog):  # the app may be quitting with the dialog still open
            dialog.finished.disconnect(on_finished)


async def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    confirm_label: str,
    informative: str = "",
    checkbox: str | None = None,
    destructive: bool = False,
) -> tuple[bool, bool]:
    """Ask yes/no; returns (confirmed, checkbox ticked). Cancel is the default button."""
    box = QMessageBox(parent)
    box.setObjectName("confirm_box")
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    ok = box.addButton(confirm_label, QMessageBox.ButtonRole.AcceptRole)
    ok.setObjectName("confirm_button")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel if destructive else ok)
    box.setEscapeButton(cancel)
    tick: QCheckBox | None = None
    if checkbox is not None:
        tick = QCheckBox(checkbox)
        tick.setObjectName("confirm_checkbox")
        box.setCheckBox(tick)
    await wait_finished(box)
    confirmed = box.clickedButton() is ok
    ticked = bool(tick is not None and tick.isChecked())
    box.deleteLater()
    return confirmed, ticked


async def inform(parent: QWidget | None, title: str, text: str, *, error: bool = False) -> None:
    box = QMessageBox(parent)
    box.setObjectName("inform_box")
    box.setIcon(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(QMessageBox.StandardButton.Ok)
    await wait_finished(box)
    box.deleteLater()
