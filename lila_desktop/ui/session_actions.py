"""What the owner can do to a number: link, connect, disconnect, reconnect now,
send a test message, rename, log out, remove; and, with the simulated transport, inject faults.

Each action is a QAction (menu, toolbar, shortcut) whose handler is an
`@asyncSlot`: the pool call is awaited, the window never waits on it. Which
actions are enabled follows the selected number's status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import ACTIVE, Status
from lila_desktop.ui import texts
from lila_desktop.ui.asking import confirm, wait_finished
from lila_desktop.ui.aslot import async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge

logger = logging.getLogger(__name__)

_RUNNING = ACTIVE
_NEEDS_LINK = (Status.QR, Status.PAIRING, Status.LOGGED_OUT)
_CAN_RETRY_NOW = (Status.RECONNECTING, Status.REPLACED, Status.FAILED, Status.CONNECTING)
# (event, args) of the Demo menu, in order.
SIMULATIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("disconnect", {"code": 408}),
    ("logout", {"code": 401}),
    ("replaced", {}),
    ("temp_ban", {"seconds": 120}),
    ("network_down", {}),
    ("network_up", {}),
)


class SessionActions(QObject):
    link_requested = Signal(str)  # phone: open the link dialog for it
    send_requested = Signal(str)  # phone: open the send-a-test-message dialog for it
    failed = Signal(str)  # plain words for the status bar / a message box

    def __init__(
        self, bridge: PoolBridge, window: QWidget, current: Callable[[], SessionSnapshot | None]
    ) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        self.current = current

        def make(name: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
            action = QAction(window)
            action.setObjectName(name)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False: slot())
            return action

        self.link = make("link_action", self._on_link_triggered, "Ctrl+L")
        self.connect_ = make("connect_action", self._on_connect_triggered, "Ctrl+Shift+C")
        self.disconnect_ = make("disconnect_action", self._on_disconnect_triggered, "Ctrl+Shift+D")
        self.reconnect = make("reconnect_action", self._on_reconnect_triggered, "F5")
        self.send_test = make("send_test_action", self._on_send_test_triggered, "Ctrl+T")
        self.rename = make("rename_action", self._on_rename_triggered, "F2")
        self.logout = make("logout_action", self._on_logout_triggered)
        self.remove = make("remove_action", self._on_remove_triggered, "Delete")
        self.session_actions = [
            self.link,
            self.connect_,
            self.disconnect_,
            self.reconnect,
            self.send_test,
            self.rename,
            self.logout,
            self.remove,
        ]
        self.simulations: list[QAction] = []
        for event, args in SIMULATIONS:
            action = QAction(window)
            action.setObjectName(f"simulate_{event}_action")
            action.triggered.connect(
                lambda _=False, e=event, a=args: self._on_simulate_triggered(e, a)
            )
            self.simulations.append(action)
        self.retranslate()
        self.update_enabled()

    def retranslate(self) -> None:
        rows: tuple[tuple[QAction, str, str], ...] = (
            (
                self.link,
                self.tr("&Link…"),
                self.tr("Show the QR code or pairing code to link this number"),
            ),
            (self.connect_, self.tr("&Connect"), self.tr("Start this number")),
            (
                self.disconnect_,
                self.tr("&Disconnect"),
                self.tr("Stop this number; it stays off until you connect it"),
            ),
            (
                self.reconnect,
                self.tr("Reconnect &now"),
                self.tr("Try again now instead of waiting (also: take over)"),
            ),
            (
                self.send_test,
                self.tr("Send &test message…"),
                self.tr("Send a WhatsApp message from this number to check it works (Ctrl+T)"),
            ),
            (self.rename, self.tr("Re&name…"), self.tr("Change the name shown for this number")),
            (self.logout, self.tr("Log &out…"), self.tr("Unlink this computer from the number")),
            (self.remove, self.tr("&Remove…"), self.tr("Remove the number from Lila")),
        )
        for action, text, tip in rows:
            action.setText(text)
            action.setToolTip(tip)
            action.setStatusTip(tip)
        # The toolbar's word for it: short, so the toolbar fits at 150 % in Spanish too.
        self.send_test.setIconText(self.tr("Test message"))
        names = (
            self.tr("Drop the connection"),
            self.tr("WhatsApp logs the number out"),
            self.tr("Opened on another computer"),
            self.tr("Temporary ban (2 min)"),
            self.tr("Internet down (all numbers)"),
            self.tr("Internet back (all numbers)"),
        )
        for action, name in zip(self.simulations, names, strict=True):
            action.setText(name)

    def update_enabled(self) -> None:
        snap = self.current()
        status = snap.status if snap else None
        self.link.setEnabled(snap is not None and status is not Status.CONNECTED)
        self.connect_.setEnabled(snap is not None and status not in _RUNNING)
        self.disconnect_.setEnabled(snap is not None and status in _RUNNING)
        self.reconnect.setEnabled(snap is not None and status in _CAN_RETRY_NOW)
        self.send_test.setEnabled(snap is not None and status is Status.CONNECTED)
        self.rename.setEnabled(snap is not None)
        self.logout.setEnabled(snap is not None and status not in _NEEDS_LINK)
        self.remove.setEnabled(snap is not None)
        for action, (event, _) in zip(self.simulations, SIMULATIONS, strict=True):
            global_event = event in ("network_down", "network_up")
            action.setEnabled(global_event or (snap is not None and status in _RUNNING))

    # --- handlers ----------------------------------------------------------

    async def _run(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return await call()
        except ActionError as exc:
            logger.info("%s failed: %s", what, exc)
            self.failed.emit(str(exc))
            return None

    def _on_link_triggered(self) -> None:
        if (snap := self.current()) is not None:
            self.link_requested.emit(snap.phone)

    @async_slot
    async def _on_connect_triggered(self) -> None:
        snap = self.current()
        if snap is None:
            return
        if snap.status is Status.LOGGED_OUT:
            self.link_requested.emit(snap.phone)  # connecting means linking again
            return
        await self._run("connect", lambda: self.bridge.start_session(snap.phone))

    @async_slot
    async def _on_disconnect_triggered(self) -> None:
        if (snap := self.current()) is not None:
            await self._run("disconnect", lambda: self.bridge.stop_session(snap.phone))

    @async_slot
    async def _on_reconnect_triggered(self) -> None:
        if (snap := self.current()) is not None:
            await self._run("reconnect", lambda: self.bridge.reconnect_now(snap.phone))

    def _on_send_test_triggered(self) -> None:
        if (snap := self.current()) is not None and snap.status is Status.CONNECTED:
            self.send_requested.emit(snap.phone)

    @async_slot
    async def _on_rename_triggered(self) -> None:
        snap = self.current()
        if snap is None:
            return
        dialog = QInputDialog(self.window)
        dialog.setObjectName("rename_dialog")
        dialog.setWindowTitle(self.tr("Rename +%1").replace("%1", snap.phone))
        dialog.setLabelText(self.tr("Name shown for this number:"))
        dialog.setTextValue(snap.name)
        if await wait_finished(dialog) == QDialog.DialogCode.Accepted:
            name = dialog.textValue()
            await self._run("rename", lambda: self.bridge.rename(snap.phone, name))
        dialog.deleteLater()

    @async_slot
    async def _on_logout_triggered(self) -> None:
        snap = self.current()
        if snap is None:
            return
        ok, _ = await confirm(
            self.window,
            self.tr("Log out"),
            self.tr("Log %1 out of WhatsApp on this computer?").replace(
                "%1", texts.who(snap.phone, snap.name)
            ),
            informative=self.tr(
                "A backup is taken first. To use the number here again you scan a new QR code "
                "(or restore the backup, if the phone still lists this computer)."
            ),
            confirm_label=self.tr("&Log out"),
            destructive=True,
        )
        if ok:
            await self._run("logout", lambda: self.bridge.logout(snap.phone))

    @async_slot
    async def _on_remove_triggered(self) -> None:
        snap = self.current()
        if snap is None:
            return
        ok, delete_backups = await confirm(
            self.window,
            self.tr("Remove number"),
            self.tr("Remove %1 from Lila?").replace("%1", texts.who(snap.phone, snap.name)),
            informative=self.tr(
                "Its backups are kept, so you can bring it back later, unless you tick the box."
            ),
            checkbox=self.tr("Delete its backups too"),
            confirm_label=self.tr("&Remove"),
            destructive=True,
        )
        if ok:
            await self._run(
                "remove", lambda: self.bridge.remove(snap.phone, delete_backups=delete_backups)
            )

    @async_slot
    async def _on_simulate_triggered(self, event: str, args: dict[str, Any]) -> None:
        snap = self.current()
        phone = None if event in ("network_down", "network_up") else (snap.phone if snap else None)
        if phone is None and event not in ("network_down", "network_up"):
            return
        await self._run("simulate", lambda: self.bridge.simulate(phone, event, args))
