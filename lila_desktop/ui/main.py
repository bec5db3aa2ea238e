"""`run_gui`: the window and the tray on a qasync loop, with the pool on the same loop.

Order of a start: QApplication; language; single instance (a running copy
for this data folder is asked to show itself, and we exit 0); the instance
file lock; the qasync loop with a 64-worker default executor (NEONIZE_NOTES
hazard 4 applies to our own to_thread calls too); the window is shown at
once, then the pool starts behind it (a keyring problem is explained in a
dialog that offers a passphrase instead, or quitting); the quota ledger (for
the window's sends and quota line, and the API); the local API; and, with
--demo, the three demo numbers.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import qasync
from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from lila_desktop.app import (
    DEFAULT_API_PORT,
    DEMO_NUMBERS,
    AppConfig,
    build_pool,
    build_quota_ledger,
    seed_demo,
)
from lila_desktop.core.keystore import KeyStore
from lila_desktop.core.quota import QuotaLedger
from lila_desktop.core.settings import Settings

if TYPE_CHECKING:
    from lila_desktop.services.api import ApiServer
    from lila_desktop.services.quota.uri_store import MongoUriStore
from lila_desktop.services.autostart import autostart_for_platform, launch_command
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.history import SessionHistory
from lila_desktop.services.instance_lock import AlreadyRunning, InstanceLock
from lila_desktop.services.logs import log_file
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.quota.factory import QuotaConfigError
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.services.vault import (
    PassphraseKeyStore,
    VaultUnavailable,
    choose_keystore,
)
from lila_desktop.services.vault.keystores import SALT_FILE
from lila_desktop.ui import i18n
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.controller import WindowController
from lila_desktop.ui.dialogs.asking import wait_finished
from lila_desktop.ui.dialogs.keyring_dialog import KeyringProblemDialog
from lila_desktop.ui.icons import app_icon
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.quota_monitor import QuotaMonitor
from lila_desktop.ui.single_instance import InstanceServer, ask_first_instance
from lila_desktop.ui.tray import TrayController

logger = logging.getLogger(__name__)

EXECUTOR_WORKERS = 64
LOCK_RETRY_S = 3.0  # a first copy that is still starting gets this long to answer
SHUTDOWN_TIMEOUT_S = 60.0


def run_gui(config: AppConfig) -> int:
    launched = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Lila Desktop")
    app.setOrganizationName("Lila")
    app.setDesktopFileName("lila-desktop")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # closing the window may only hide it to the tray

    store = SettingsStore(config.data_dir)
    settings = store.load()
    i18n.install_language(settings.language)

    if ask_first_instance(config.data_dir):
        logger.info("already running: showed that window", extra={"event": "handed_over"})
        return 0
    lock = InstanceLock(config.data_dir)
    if not _acquire(lock, config):
        return 4
    server = InstanceServer(config.data_dir)
    server.listen()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=EXECUTOR_WORKERS))
    gui = GuiApp(app, config, settings, store, server, launched)
    try:
        with loop:
            return int(loop.run_until_complete(gui.run()))
    finally:
        server.close()
        lock.release()


def _acquire(lock: InstanceLock, config: AppConfig) -> bool:
    deadline = time.monotonic() + LOCK_RETRY_S
    while True:
        try:
            lock.acquire()
            return True
        except AlreadyRunning as exc:
            if ask_first_instance(config.data_dir):
                return False  # it answered and shows itself; nothing more to do here
            if time.monotonic() >= deadline:
                # Held by a copy without a window (--headless) or one that hangs.
                logger.error("%s", exc)
                box = QMessageBox(QMessageBox.Icon.Warning, "Lila Desktop", str(exc))
                box.exec()  # no event loop runs yet: a plain modal box is safe here
                return False
            time.sleep(0.3)


def _api_port(config: AppConfig, settings: Settings) -> int:
    """--api-port wins when given (0 = off); otherwise Settings decide."""
    if config.api_port == 0:
        return 0
    if config.api_port != DEFAULT_API_PORT:
        return config.api_port
    return settings.api_port if settings.api_enabled else 0


class GuiApp(QObject):
    def __init__(
        self,
        app: QApplication,
        config: AppConfig,
        settings: Settings,
        store: SettingsStore,
        server: InstanceServer,
        launched: float,
    ) -> None:
        super().__init__()
        self.app = app
        self.config = config
        self.settings = settings
        self.store = store
        self.server = server
        self.launched = launched
        self.pool: SessionPool | None = None
        self.api: ApiServer | None = None
        self.api_note = ""
        self.ledger: QuotaLedger | None = None
        self.ledger_problem = ""
        self.window_quota: QuotaMonitor | None = None
        self._quit = asyncio.Event()
        self.history = SessionHistory(config.data_dir)  # the timeline's memory

    def _catch_signals(self) -> None:
        """SIGINT/SIGTERM quit cleanly (stores sealed). Python runs signal handlers only
        between bytecodes, so the named `signal_poll_timer` gives it a chance while
        Qt waits for events."""
        loop = asyncio.get_running_loop()

        def handler(signum: int, _frame: object) -> None:
            logger.info("signal %d: quitting", signum)
            loop.call_soon_threadsafe(self._quit.set)

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, handler)
        self._signal_poll_timer = QTimer(self)
        self._signal_poll_timer.setObjectName("signal_poll_timer")
        self._signal_poll_timer.timeout.connect(lambda: None)
        self._signal_poll_timer.start(250)

    def _build_pool(self, keystore: KeyStore | None) -> SessionPool:
        keystore = keystore or choose_keystore(self.config.data_dir)
        pool = build_pool(self.config, keystore, self.settings)
        return pool

    async def run(self) -> int:
        pool = self._build_pool(None)
        bridge = PoolBridge(pool)
        bridge.attach()
        window = MainWindow(bridge, log_file(self.config.data_dir), history=self.history)
        self.window_quota = window.quota
        tray = TrayController(notifications=self.settings.notifications)
        autostart = autostart_for_platform(launch_command(self.config.data_dir))
        controller = WindowController(
            bridge=bridge,
            window=window,
            tray=tray,
            settings=self.settings,
            store=self.store,
            autostart=autostart,
            data_dir=self.config.data_dir,
            api_info=self._api_info,
        )
        controller.quit_requested.connect(self._quit.set)
        self._catch_signals()
        self.server.show_requested.connect(window.bring_to_front)
        area = window.screen().availableGeometry()
        window.resize(min(1320, int(area.width() * 0.95)), min(760, int(area.height() * 0.92)))
        window.statusBar().showMessage(QCoreApplication.translate("GuiApp", "Starting…"))
        window.setEnabled(False)
        window.show()
        shown = time.monotonic() - self.launched
        logger.info(
            "window shown %.0f ms after run_gui started",
            shown * 1000,
            extra={"event": "window_shown", "ms": round(shown * 1000)},
        )
        try:
            started = await self._start_pool(bridge, window)
            if started is None:
                return 3
            self.pool = started
            await self.history.open()
            self.history.attach(started)
            window.setEnabled(True)
            window.statusBar().clearMessage()
            bridge.resync()
            await self._start_ledger(window, controller)
            await self._start_api(window)
            logger.info(
                "ready %.0f ms after launch",
                (time.monotonic() - self.launched) * 1000,
                extra={
                    "event": "ready",
                    "sessions": len(started.snapshots()),
                    "tray": tray.available,
                },
            )
            demo = asyncio.get_running_loop().create_task(self._seed_demo(started, window))
            await self._quit.wait()
            demo.cancel()
            await asyncio.gather(demo, return_exceptions=True)
            logger.info("shutting down", extra={"event": "stopping"})
            return 0
        finally:
            controller.close_dialogs()
            window.hide()
            tray.hide()
            await self._close(bridge)
            logger.info("stopped cleanly", extra={"event": "stopped"})

    async def _start_pool(self, bridge: PoolBridge, window: MainWindow) -> SessionPool | None:
        pool = bridge.pool
        while True:
            try:
                await pool.start()
                return pool
            except VaultUnavailable as exc:
                logger.warning("vault unavailable: %s", exc, extra={"event": "vault_unavailable"})
                await pool.aclose()
                window.setEnabled(True)
                dialog = KeyringProblemDialog(
                    str(exc),
                    first_time=not (self.config.data_dir / SALT_FILE).exists(),
                    parent=window,
                )
                choice = await wait_finished(dialog)
                passphrase = dialog.passphrase
                dialog.deleteLater()
                window.setEnabled(False)
                if choice != QDialog.DialogCode.Accepted:
                    return None
                pool = self._build_pool(PassphraseKeyStore(self.config.data_dir, passphrase))
                bridge.detach()
                bridge.pool = pool
                bridge.attach()

    def _build_ledger(self) -> tuple[QuotaLedger, MongoUriStore]:
        from lila_desktop.services.quota.uri_store import MongoUriStore

        return build_quota_ledger(self.config, self.settings), MongoUriStore()

    async def _start_ledger(self, window: MainWindow, controller: WindowController) -> None:
        """The quota ledger, shared by the window's sends and the API. Built in a worker
        thread: it reads the portal address from the keyring (and imports pymongo)."""
        try:
            self.ledger, controller.uri_store = await run_blocking(self._build_ledger)
        except QuotaConfigError as exc:
            logger.error("quota not available: %s", exc, extra={"event": "quota_failed"})
            self.ledger_problem = str(exc)
            window.quota.set_ledger(None, str(exc))
            window.show_banner(
                QCoreApplication.translate("GuiApp", "Messages cannot be sent: %1").replace(
                    "%1", str(exc)
                ),
                bad=True,
            )
            return
        window.quota.set_ledger(self.ledger)

    async def _start_api(self, window: MainWindow) -> None:
        port = _api_port(self.config, self.settings)
        if port == 0:
            self.api_note = QCoreApplication.translate("GuiApp", "The local API is off.")
            return
        assert self.pool is not None
        # Imported here, after the window is up: aiohttp and pymongo are slow to import.
        from lila_desktop.services.api import ApiKeyError, ApiStartError, start_api

        try:
            if self.ledger is None:
                raise QuotaConfigError(self.ledger_problem)
            self.api = await start_api(
                self.pool, self.ledger, port=port, api_key=None, data_dir=self.config.data_dir
            )
        except (ApiStartError, ApiKeyError, QuotaConfigError) as exc:
            logger.error("local API not started: %s", exc, extra={"event": "api_failed"})
            self.api_note = QCoreApplication.translate(
                "GuiApp", "The local API could not start: %1"
            ).replace("%1", str(exc))
            window.show_banner(self.api_note, bad=True)
            return
        self.api_note = QCoreApplication.translate(
            "GuiApp", "Listening on %1. Changes apply from the next start."
        ).replace("%1", self.api.url)

    def _api_info(self) -> tuple[str | None, str]:
        return (self.api.api_key.value if self.api else None), self.api_note

    async def _seed_demo(self, pool: SessionPool, window: MainWindow) -> None:
        if not self.config.demo:
            return
        try:
            await seed_demo(pool)
            if self.history.seed_demo([DEMO_NUMBERS[0][0], DEMO_NUMBERS[2][0]]):
                window.history_view.redraw()
        except Exception as exc:  # the demo is a convenience: say so, keep the app
            logger.exception("demo numbers could not be prepared")
            window.show_banner(str(exc), bad=True)

    async def _close(self, bridge: PoolBridge) -> None:
        """API first (no new requests), then the pool (seals every store), then the ledger."""
        if self.window_quota is not None:
            self.window_quota.stop()
        if self.api is not None:
            try:
                await self.api.aclose()
            except Exception:
                logger.exception("closing the local API failed")
        bridge.detach()
        await self.history.aclose()  # "not running" from now on, and written
        try:
            await asyncio.wait_for(bridge.pool.aclose(), SHUTDOWN_TIMEOUT_S)
        except Exception:
            logger.exception("closing the pool failed")
        if self.ledger is not None:
            try:
                await self.ledger.aclose()
            except Exception:
                logger.exception("closing the quota ledger failed")
