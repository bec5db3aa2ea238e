"""Wires the window, the tray and the bridge, and runs the dialog flows
(add/link, import/export, settings, about) as awaitable steps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from lila_desktop.core.settings import Settings
from lila_desktop.core.status import Status
from lila_desktop.services.autostart import Autostart
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui import i18n
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.dialogs.about_dialog import AboutDialog
from lila_desktop.ui.dialogs.asking import wait_finished
from lila_desktop.ui.dialogs.link_dialog import LinkDialog
from lila_desktop.ui.dialogs.settings_dialog import SettingsDialog
from lila_desktop.ui.dialogs.transfer_dialogs import TransferDialog
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.tray import TrayController

logger = logging.getLogger(__name__)


class WindowController(QObject):
    quit_requested = Signal()
    settings_applied = Signal(object)  # Settings

    def __init__(
        self,
        *,
        bridge: PoolBridge,
        window: MainWindow,
        tray: TrayController,
        settings: Settings,
        store: SettingsStore,
        autostart: Autostart,
        data_dir: Path,
        api_info: Callable[[], tuple[str | None, str]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.window = window
        self.tray = tray
        self.settings = settings
        self.store = store
        self.autostart = autostart
        self.data_dir = data_dir
        self.api_info = api_info  # (key or None, a sentence about the API's state)
        self.link_dialog: LinkDialog | None = None

        bridge.snapshots_changed.connect(tray.update_snapshots)
        bridge.session_removed.connect(tray.remove)
        bridge.notice_received.connect(tray.notify)
        tray.notified.connect(self._on_tray_notified)
        tray.open_requested.connect(window.bring_to_front)
        tray.number_activated.connect(self._on_tray_number_activated)
        tray.quit_requested.connect(self.quit_requested)
        window.quit_requested.connect(self.quit_requested)
        window.hidden_to_tray.connect(self._on_window_hidden_to_tray)
        window.add_requested.connect(lambda: self.open_link_dialog(None))
        window.link_requested.connect(self.open_link_dialog)
        window.import_requested.connect(self._on_window_import_requested)
        window.export_requested.connect(self._on_window_export_requested)
        window.settings_requested.connect(self._on_window_settings_requested)
        window.about_requested.connect(self._on_window_about_requested)
        window.can_hide_to_tray = lambda: self.tray.available
        tray.notifications = settings.notifications
        tray.update_snapshots(bridge.snapshots())

    # --- tray --------------------------------------------------------------

    def _on_tray_notified(self, title: str, body: str, bad: bool) -> None:
        if not alive(self.window):
            return  # shutting down
        if not self.tray.available or not self.window.isVisible():
            # No tray host: the window is where the owner will look (and it flashes).
            self.window.show_notification(title, body, bad)

    def _on_tray_number_activated(self, phone: str) -> None:
        self.window.select_phone(phone)
        self.window.bring_to_front()

    def _on_window_hidden_to_tray(self) -> None:
        self.tray.tell(
            self.tr("Lila Desktop is still running"),
            self.tr(
                "Your numbers stay connected. Open the window from this icon; quit from its menu."
            ),
        )

    # --- flows -------------------------------------------------------------

    @async_slot
    async def open_link_dialog(self, phone: str | None) -> None:
        if self.link_dialog is not None:
            self.link_dialog.raise_()
            self.link_dialog.activateWindow()
            return
        dialog = LinkDialog(self.bridge, phone, self.window)
        self.link_dialog = dialog
        try:
            result = await wait_finished(dialog)
        finally:
            self.link_dialog = None
        if not (alive(self) and alive(self.window) and alive(dialog)):
            return  # the app is closing; the pool stops every session itself
        if dialog.phone:
            self.window.select_phone(dialog.phone)
        if result != QDialog.DialogCode.Accepted and dialog.phone:
            snap = self.bridge.snapshot(dialog.phone)
            if snap is not None and snap.status in (Status.QR, Status.PAIRING):
                # Closing the dialog cancels linking: a code nobody sees must not keep rotating.
                try:
                    await self.bridge.stop_session(dialog.phone)
                except ActionError as exc:
                    self.window.show_banner(str(exc), bad=True)
        dialog.deleteLater()

    @async_slot
    async def _on_window_import_requested(self) -> None:
        dialog = TransferDialog(export=False, parent=self.window)
        while await wait_finished(dialog) == QDialog.DialogCode.Accepted:
            try:
                snap = await self.bridge.import_session(dialog.path, dialog.passphrase)
            except ActionError as exc:
                dialog.show_error(str(exc))
                continue
            self.window.select_phone(snap.phone)
            self.window.show_banner(
                self.tr("+%1 was imported and is connecting.").replace("%1", snap.phone), bad=False
            )
            break
        dialog.deleteLater()

    @async_slot
    async def _on_window_export_requested(self, phone: str) -> None:
        dialog = TransferDialog(export=True, phone=phone, parent=self.window)
        while await wait_finished(dialog) == QDialog.DialogCode.Accepted:
            try:
                await self.bridge.export_session(phone, dialog.path, dialog.passphrase)
            except ActionError as exc:
                dialog.show_error(str(exc))
                continue
            self.window.show_banner(
                self.tr("Exported +%1 to %2. Keep the passphrase apart from the file.")
                .replace("%1", phone)
                .replace("%2", str(dialog.path)),
                bad=False,
            )
            break
        dialog.deleteLater()

    @async_slot
    async def _on_window_settings_requested(self) -> None:
        key, note = self.api_info()
        dialog = SettingsDialog(
            self.settings,
            data_dir=self.data_dir,
            api_key=key,
            api_note=note,
            autostart_available=self.autostart.available,
            parent=self.window,
        )
        accepted = await wait_finished(dialog) == QDialog.DialogCode.Accepted
        new = dialog.result_settings
        dialog.deleteLater()
        if not accepted or new is None:
            return
        await self.apply_settings(new)

    async def apply_settings(self, new: Settings) -> None:
        old, self.settings = self.settings, new
        try:
            await self.store.asave(new)
        except OSError as exc:
            self.window.show_banner(
                self.tr("Settings could not be saved: %1").replace("%1", str(exc)), bad=True
            )
        if new.start_on_login != old.start_on_login or (
            new.start_on_login != self.autostart.is_enabled()
        ):
            try:
                self.autostart.set_enabled(new.start_on_login)
            except OSError as exc:
                self.window.show_banner(str(exc), bad=True)
        self.tray.notifications = new.notifications
        if new.language != old.language:
            i18n.install_language(new.language)  # widgets get LanguageChange and re-set texts
            self.tray.retranslate()
        self.settings_applied.emit(new)

    @async_slot
    async def _on_window_about_requested(self) -> None:
        dialog = AboutDialog(self.bridge.transport, self.window)
        await wait_finished(dialog)
        dialog.deleteLater()
