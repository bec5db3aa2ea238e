"""Wires the window, the tray and the bridge, and runs the dialog flows
(add/link, send a test message, import/export, settings, about) as awaitable steps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from lila_desktop.core.outbox import Pacing
from lila_desktop.core.quota import QuotaExceeded
from lila_desktop.core.settings import Settings
from lila_desktop.core.status import Status
from lila_desktop.services.autostart import Autostart
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.outbox import Outbox
from lila_desktop.services.outbox.send import SentMessage
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui import i18n
from lila_desktop.ui.asking import wait_finished
from lila_desktop.ui.aslot import alive, async_slot
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.dialogs.link_dialog import LinkDialog
from lila_desktop.ui.dialogs.send_dialog import SendMessageDialog
from lila_desktop.ui.dialogs.settings_dialog import SettingsDialog
from lila_desktop.ui.dialogs.transfer_dialogs import TransferDialog
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.tray import TrayController

if TYPE_CHECKING:  # services.quota loads pymongo: only after the window is up
    from lila_desktop.services.quota.uri_store import MongoUriStore

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
        uri_store: MongoUriStore | None = None,
        env_limit: int | None = None,
        env_uri: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """`env_limit`, `env_uri`: what LILA_QUOTA_LIMIT and LILA_MONGODB_URI set at start
        (resolved once by services.config); Settings then only say what they would be."""
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
        self.send_dialog: SendMessageDialog | None = None
        self._quitting = False
        # Where Settings keeps the portal's MongoDB URI; None: not editable here
        # (the app sets it once the quota ledger has started).
        self.uri_store = uri_store
        self.outbox: Outbox | None = None  # set by the app once the outbox has started
        self.env_limit = env_limit
        self.env_uri = env_uri

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
        window.send_requested.connect(self.open_send_dialog)
        window.import_requested.connect(self._on_window_import_requested)
        window.export_requested.connect(self._on_window_export_requested)
        window.settings_requested.connect(self._on_window_settings_requested)
        window.about_requested.connect(self._on_window_about_requested)
        window.can_hide_to_tray = lambda: self.tray.available
        tray.notifications = settings.notifications
        tray.update_snapshots(bridge.snapshots())

    def close_dialogs(self) -> None:
        """Quitting: close every open dialog (link, send, settings, confirmations), so that
        the flows awaiting them end instead of being destroyed while still pending."""
        self._quitting = True
        if not alive(self.window):
            return
        for dialog in self.window.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()

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
        logger.info("number opened from the tray", extra={"event": "ui_opened", "phone": phone})

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
        if self._quitting or not (alive(self) and alive(self.window) and alive(dialog)):
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
        if alive(dialog):  # the window may have closed while the session stopped
            dialog.deleteLater()

    @async_slot
    async def open_send_dialog(self, phone: str) -> None:
        if self.send_dialog is not None:
            self.send_dialog.raise_()
            self.send_dialog.activateWindow()
            return
        snap = self.bridge.snapshot(phone)
        if snap is None:
            return

        def status() -> str | None:
            now = self.bridge.snapshot(phone)
            return now.status.value if now else None

        dialog = SendMessageDialog(
            phone, snap.name, lambda to, text: self.send_text(phone, to, text), status, self.window
        )
        self.send_dialog = dialog
        try:
            await wait_finished(dialog)
        finally:
            self.send_dialog = None
        if alive(dialog):
            dialog.deleteLater()

    async def send_text(self, phone: str, to: str, text: str) -> SentMessage:
        """Send through the one send path; the quota line shows the new numbers."""
        monitor = self.window.quota
        if monitor.ledger is None:
            raise ActionError(
                monitor.problem
                or self.tr("The message quota is still starting; try again in a moment.")
            )
        if self.outbox is None:
            raise ActionError(self.tr("The outbox is still starting; try again in a moment."))
        try:
            sent = await self.bridge.send_text(self.outbox, monitor.ledger, phone, to, text)
        except ActionError as exc:
            if isinstance(exc.cause, QuotaExceeded) and alive(monitor):
                monitor.show(phone, exc.cause.status)
            raise
        if alive(monitor):
            if sent.quota is not None:
                monitor.show(phone, sent.quota)
            else:
                monitor.refresh()
        return sent

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
        uri, uri_problem = await self._stored_uri()
        hooks = self.outbox.store if self.outbox is not None else None
        webhook = await run_blocking(hooks.webhook) if hooks is not None else None
        dialog = SettingsDialog(
            self.settings,
            data_dir=self.data_dir,
            api_key=key,
            api_note=note,
            autostart_available=self.autostart.available,
            portal_uri=uri,
            portal_uri_problem=uri_problem,
            env_limit=None if self.env_limit is None else str(self.env_limit),
            env_uri=self.env_uri,
            webhook_store=hooks,
            webhook=webhook,
            parent=self.window,
        )
        accepted = await wait_finished(dialog) == QDialog.DialogCode.Accepted
        new = dialog.result_settings
        new_uri = dialog.result_uri if dialog.uri_changed else None
        dialog.deleteLater()
        if not accepted or new is None:
            return
        if new_uri is not None:
            await self.save_uri(new_uri)
        await self.apply_settings(new)

    async def _stored_uri(self) -> tuple[str | None, str]:
        """(the portal URI in the keyring, or why it cannot be read or changed here)."""
        if self.uri_store is None:
            return None, self.tr("The company portal can be set once Lila has started.")
        from lila_desktop.services.quota.uri_store import UriStoreUnavailable

        try:
            return await self.uri_store.aload(), ""
        except UriStoreUnavailable as exc:
            logger.info("portal address not readable: %s", exc)
            if exc.no_keyring:
                return None, self.tr(
                    "There is no system keyring on this computer to keep the portal address; "
                    "set the environment variable LILA_MONGODB_URI instead."
                )
            return None, self.tr(
                "The system keyring is not available, so the portal address cannot be read or "
                "changed here. Unlock the keyring (GNOME Keyring, KWallet, Keychain or "
                "Credential Manager) and open Settings again, or set the environment variable "
                "LILA_MONGODB_URI."
            )

    async def save_uri(self, uri: str) -> bool:
        """Keep `uri` in the keyring ("" removes it); a refusal shows in the banner."""
        if self.uri_store is None:
            return False
        from lila_desktop.services.quota.factory import QuotaConfigError
        from lila_desktop.services.quota.uri_store import UriStoreUnavailable

        try:
            await self.uri_store.asave(uri)
        except (UriStoreUnavailable, QuotaConfigError) as exc:
            self.window.show_banner(
                self.tr("The company portal address was not saved: %1").replace("%1", str(exc)),
                bad=True,
            )
            return False
        self.window.show_banner(
            self.tr("The company portal address was saved; it applies from the next start.")
            if uri
            else self.tr(
                "The company portal address was removed; from the next start "
                "messages count against the local limit."
            ),
            bad=False,
        )
        return True

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
        if new.quota_limit != old.quota_limit:
            self._apply_quota_limit(new.quota_limit)
        if new.send_interval_seconds != old.send_interval_seconds and self.outbox is not None:
            self.outbox.pacing = Pacing(new.send_interval_seconds)  # from the next send
        if new.language != old.language:
            i18n.install_language(new.language)  # widgets get LanguageChange and re-set texts
            self.tray.retranslate()
        self.settings_applied.emit(new)

    def _apply_quota_limit(self, limit: int) -> None:
        """A new local limit applies at once, unless LILA_QUOTA_LIMIT or the portal decides."""
        ledger = self.window.quota.ledger
        if ledger is None or self.env_limit is not None:
            return
        from lila_desktop.services.quota import SqliteLedger

        if isinstance(ledger, SqliteLedger):
            ledger.set_limit(limit)
            self.window.quota.refresh()

    @async_slot
    async def _on_window_about_requested(self) -> None:
        # importlib.metadata and email (~50 ms): when asked, not before the window shows.
        from lila_desktop.ui.dialogs.about_dialog import AboutDialog

        dialog = AboutDialog(self.bridge.transport, self.window)
        await wait_finished(dialog)
        dialog.deleteLater()
