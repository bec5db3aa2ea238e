"""The window face: `run_gui` shows the window and tray over the one `Runtime`.

Order of a start (after app.py resolved the configuration): QApplication;
language; single instance (a running copy for this data folder is asked to
show itself, and we exit 0); the instance file lock; the API port checked;
the qasync loop; the window is shown at once, its list saying "Starting…"
(no first-run greeting before the saved numbers are known); only then, from
the event loop, the runtime is imported and built (with its default
executor), with the controller, tray and autostart, and `Runtime.start`
runs behind the window in its one order (pool, quota ledger, local API,
extra services; a keyring problem is explained in a dialog that offers a
passphrase instead, or quitting); with --demo, the three demo numbers. A
value the owner must change ends the start with a dialog holding one plain
line, and a non-zero exit (a refusal known only once the runtime starts,
like the API port taken meanwhile, hides the window first).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from lila_desktop.services.config import (
    ENV,
    EXIT_ALREADY_RUNNING,
    ConfigError,
    RuntimeConfig,
    check_port_free,
)
from lila_desktop.services.instance_lock import AlreadyRunning, InstanceLock
from lila_desktop.services.logs import log_file
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui import i18n
from lila_desktop.ui.asking import wait_finished
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.collector import GuiThreadCollector
from lila_desktop.ui.event_loop import BatchingEventLoop
from lila_desktop.ui.icons import app_icon
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.session_end import SessionEndGuard
from lila_desktop.ui.single_instance import InstanceServer, ask_first_instance
from lila_desktop.ui.start_error import show_start_error, start_error_box

if TYPE_CHECKING:  # the runtime, the controller and the tray load after the window shows
    from lila_desktop.core.keystore import KeyStore
    from lila_desktop.services.runtime import Runtime
    from lila_desktop.services.vault import VaultUnavailable
    from lila_desktop.ui.controller import WindowController
    from lila_desktop.ui.tray import TrayController

logger = logging.getLogger(__name__)

LOCK_RETRY_S = 3.0  # a first copy that is still starting gets this long to answer
SHUTDOWN_TIMEOUT_S = 60.0


def run_gui(config: RuntimeConfig) -> int:
    launched = time.monotonic()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Lila Desktop")
    app.setOrganizationName("Lila")
    app.setDesktopFileName("lila-desktop")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # closing the window may only hide it to the tray
    collector = GuiThreadCollector(app)  # QObjects are never freed on a worker thread
    collector.start()
    i18n.install_language(config.settings.language)

    if ask_first_instance(config.data_dir):
        logger.info("already running: showed that window", extra={"event": "handed_over"})
        return 0
    lock = InstanceLock(config.data_dir)
    if not _acquire(lock, config):
        return EXIT_ALREADY_RUNNING
    server = InstanceServer(config.data_dir)
    try:
        check_port_free(config.api_port)
    except ConfigError as exc:
        lock.release()
        return refuse(exc)
    server.listen()
    loop = BatchingEventLoop(app)  # qasync's, one Qt timer per batch of callbacks
    asyncio.set_event_loop(loop)
    gui = GuiApp(app, config, SettingsStore(config.data_dir), server, launched)
    guard = SessionEndGuard(app, gui.seal_for_session_end)
    try:
        with loop:
            return int(loop.run_until_complete(gui.run()))
    except RuntimeError:
        if guard.ended_by is None:
            raise
        return 0  # the OS ended the session: the stores are sealed
    finally:
        server.close()
        lock.release()
        collector.stop()


def refuse(exc: ConfigError) -> int:
    """The window face's refusal: one line on stderr and in a dialog; the exit code."""
    line = str(exc)
    print(f"lila-desktop: {line}", file=sys.stderr, flush=True)
    logger.error("start refused: %s", line, extra={"event": "start_refused"})
    show_start_error(exc.message)
    return exc.exit_code


def _acquire(lock: InstanceLock, config: RuntimeConfig) -> bool:
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


class GuiApp(QObject):
    """The window face: the window and tray over one `Runtime`."""

    def __init__(
        self,
        app: QApplication,
        config: RuntimeConfig,
        store: SettingsStore,
        server: InstanceServer,
        launched: float,
    ) -> None:
        super().__init__()
        self.app = app
        self.config = config
        self.settings = config.settings
        self.store = store
        self.server = server
        self.launched = launched
        self.runtime: Runtime | None = None  # built once the window shows (GuiApp.run)
        self.exit_code = 0
        self._quit = asyncio.Event()

    def seal_for_session_end(self, why: str) -> None:
        if self.runtime is None:
            return  # nothing opened yet: nothing to seal
        from lila_desktop.services.session_end import seal_for_session_end

        seal_for_session_end(self.runtime.pool, why)

    def _catch_signals(self) -> None:
        """SIGINT/SIGTERM quit cleanly (stores sealed). Python runs signal handlers only
        between bytecodes, so the named `signal_poll_timer` gives it a chance while
        Qt waits for events."""
        loop = asyncio.get_running_loop()

        def quit_on(signum: int) -> None:
            logger.info("signal %d: quitting", signum)
            self._quit.set()

        def handler(signum: int, _frame: object) -> None:
            # Nothing written here: the handler can run inside a write to stderr (a
            # full pipe's EINTR), where logging raised "reentrant call" before the
            # quit was asked, and the app never stopped.
            loop.call_soon_threadsafe(quit_on, signum)

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, handler)
        # Windows has no SIGTERM: services/stop_request.py's named event instead.
        from lila_desktop.services.stop_request import watch_stop_requests

        self._unwatch_stop = watch_stop_requests(self.config.data_dir, loop, self._quit.set)
        self._signal_poll_timer = QTimer(self)
        self._signal_poll_timer.setObjectName("signal_poll_timer")
        self._signal_poll_timer.timeout.connect(lambda: None)
        self._signal_poll_timer.start(250)

    async def run(self) -> int:
        """The window first (the list says "Starting…"), then the runtime behind it."""
        given = self.runtime  # a test's own runtime (its pool on a test key store)
        bridge = PoolBridge(None, transport=self.config.transport)
        window = MainWindow(bridge, log_file(self.config.data_dir), starting=True)
        area = window.screen().availableGeometry()
        window.resize(min(1320, int(area.width() * 0.95)), min(760, int(area.height() * 0.92)))
        window.statusBar().showMessage(QCoreApplication.translate("GuiApp", "Starting…"))
        window.setEnabled(False)
        window.quit_requested.connect(self._quit.set)  # closed before the controller exists
        window.show()
        gc.enable()  # paused while the window was built (__main__.py)
        shown = time.monotonic() - self.launched
        logger.info(
            "window shown %.0f ms after run_gui started",
            shown * 1000,
            # cpu_s: the process's CPU seconds so far (bench_startup: load-proof ratio).
            extra={
                "event": "window_shown",
                "ms": round(shown * 1000),
                "cpu_s": time.process_time(),
            },
        )
        await asyncio.sleep(0)  # one turn of Qt's loop: the map request leaves for the server
        # Only now what the window does not need to appear: the recorded history and the
        # tabs that draw it, the runtime and its services, the controller with its
        # dialogs, the tray, autostart.
        from lila_desktop.services.history import SessionHistory

        history = given.history if given is not None else SessionHistory(self.config.data_dir)
        window.attach_history(history)
        window.tabs.build()
        from lila_desktop.services.autostart import autostart_for_platform, launch_command
        from lila_desktop.services.autostart import refresh as refresh_autostart
        from lila_desktop.services.runtime import Runtime, install_executor
        from lila_desktop.ui.controller import WindowController
        from lila_desktop.ui.tray import TrayController

        install_executor(asyncio.get_running_loop())
        runtime = self.runtime = given or Runtime(self.config, history=history)
        bridge.set_pool(runtime.pool)
        tray = TrayController(notifications=self.settings.notifications)
        autostart = autostart_for_platform(launch_command(self.config.data_dir))
        refresh_autostart(autostart)  # the app may have moved since it was enabled
        from_env = self.config.sources.get("quota_limit") == ENV
        controller = WindowController(
            bridge=bridge,
            window=window,
            tray=tray,
            settings=self.settings,
            store=self.store,
            autostart=autostart,
            data_dir=self.config.data_dir,
            api_info=self._api_info,
            env_limit=self.config.quota_limit if from_env else None,
            env_uri=self.config.sources.get("uri") == ENV,
        )
        controller.quit_requested.connect(self._quit.set)
        self._catch_signals()
        self.server.show_requested.connect(window.bring_to_front)

        try:
            try:
                started = await runtime.start(
                    ask_keystore=lambda exc: self._ask_keystore(exc, window),
                    on_pool=bridge.set_pool,
                )
            except ConfigError as exc:
                window.hide()
                await self._refuse(exc)
                return exc.exit_code
            if not started:  # the owner quit at the keyring dialog, or the OS asked to
                return 0 if self._quit.is_set() else 3
            window.setEnabled(True)
            window.statusBar().clearMessage()
            bridge.resync()  # the saved numbers, then the page: list or first run
            window.set_starting(False)
            window.quota.set_ledger(runtime.ledger)
            if runtime.outbox is not None:  # the window's sends and its Outbox tab
                from lila_desktop.ui.widgets.outbox_view import attach_outbox_view

                controller.outbox = runtime.outbox.outbox
                attach_outbox_view(window, runtime.outbox.outbox)
            if runtime.notices:  # told once: the damaged file is out of the way now
                from lila_desktop.ui.message_texts import message_text

                text = " ".join(message_text(m) for m in runtime.notices)
                window.show_banner(text, bad=True)
            from lila_desktop.services.quota.uri_store import MongoUriStore

            controller.uri_store = MongoUriStore()
            logger.info(
                "ready %.0f ms after launch",
                (time.monotonic() - self.launched) * 1000,
                extra={
                    "event": "ready",
                    "sessions": len(runtime.pool.snapshots()),
                    "tray": tray.available,
                },
            )
            # OS network changes via Qt (~30 ms to load its backend: after "ready").
            from lila_desktop.ui.network_info import attach_network_information

            attach_network_information(runtime.pool.network)
            demo = asyncio.get_running_loop().create_task(self._seed_demo(window))
            tour = self._smoke_tour(window, controller, tray)
            await self._quit.wait()
            for task in (demo, tour):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in (demo, tour) if t), return_exceptions=True)
            logger.info("shutting down", extra={"event": "stopping"})
            return 0
        finally:
            controller.close_dialogs()
            window.hide()
            tray.hide()
            window.quota.stop()
            bridge.detach()
            try:
                await asyncio.wait_for(runtime.aclose(), SHUTDOWN_TIMEOUT_S)
            except Exception:
                logger.exception("closing the runtime failed")
            logger.info("stopped cleanly", extra={"event": "stopped"})

    def _smoke_tour(
        self, window: MainWindow, controller: WindowController, tray: TrayController
    ) -> asyncio.Task[None] | None:
        """The packaging smoke test's walk through every screen (ui/smoke_tour.py)."""
        out = os.environ.get("LILA_SMOKE_TOUR")
        if not out or not self.config.demo:
            return None
        from lila_desktop.services.runtime import DEMO_NUMBERS
        from lila_desktop.ui.smoke_tour import run_tour

        tour = run_tour(Path(out), window, controller, tray, DEMO_NUMBERS)
        return asyncio.get_running_loop().create_task(tour)

    async def _refuse(self, exc: ConfigError) -> None:
        """One plain line on stderr and a dialog until the owner (or a signal) closes it.

        Awaited, not exec()'d: a nested event loop inside this coroutine would let
        other tasks step while this one is suspended mid-step.
        """
        line = str(exc)
        print(f"lila-desktop: {line}", file=sys.stderr, flush=True)
        logger.error("start refused: %s", line, extra={"event": "start_refused"})
        box = start_error_box(exc.message)
        await self._until_closed_or_quit(box)
        box.deleteLater()

    async def _until_closed_or_quit(self, dialog: QDialog) -> int:
        """Open `dialog` and wait for the owner's answer or a quit (which rejects it)."""
        closed = asyncio.ensure_future(wait_finished(dialog))
        quit_ = asyncio.ensure_future(self._quit.wait())
        await asyncio.wait({closed, quit_}, return_when=asyncio.FIRST_COMPLETED)
        if not closed.done():
            dialog.reject()
        code = closed.result() if closed.done() else int(QDialog.DialogCode.Rejected)
        for task in (closed, quit_):
            task.cancel()
        await asyncio.gather(closed, quit_, return_exceptions=True)
        return code

    async def _ask_keystore(self, exc: VaultUnavailable, window: MainWindow) -> KeyStore | None:
        """The vault cannot open with the keyring: offer a passphrase instead, or quitting."""
        from lila_desktop.services.vault import PassphraseKeyStore
        from lila_desktop.services.vault.keystores import SALT_FILE
        from lila_desktop.ui.dialogs.keyring_dialog import KeyringProblemDialog

        window.setEnabled(True)
        dialog = KeyringProblemDialog(
            str(exc),
            first_time=not (self.config.data_dir / SALT_FILE).exists(),
            parent=window,
        )
        # A quit (SIGTERM at logout, the OS's stop request) closes the dialog: no key.
        choice = await self._until_closed_or_quit(dialog)
        passphrase = dialog.passphrase
        dialog.deleteLater()
        window.setEnabled(False)
        if choice != QDialog.DialogCode.Accepted:
            return None
        return PassphraseKeyStore(self.config.data_dir, passphrase)

    def _api_info(self) -> tuple[str | None, str]:
        api = self.runtime.api if self.runtime is not None else None
        if api is not None:
            note = QCoreApplication.translate(
                "GuiApp", "Listening on %1. Changes apply from the next start."
            ).replace("%1", api.url)
            return api.api_key.value, note
        return None, QCoreApplication.translate("GuiApp", "The local API is off.")

    async def _seed_demo(self, window: MainWindow) -> None:
        fresh = self.config.demo and window.pages.currentWidget() is window.first_run
        if fresh:  # a fresh demo greets first: its numbers come when the owner leaves the flow
            left = asyncio.Event()
            window.greeting_left.connect(left.set)
            await left.wait()
        try:
            assert self.runtime is not None  # seeded once the runtime started
            await self.runtime.seed_demo(alongside=fresh)
            window.history_view.redraw()  # the demo's day of history
        except Exception:  # the demo is a convenience: say so, keep the app
            logger.exception("demo numbers could not be prepared")
            window.show_banner(
                QCoreApplication.translate(
                    "GuiApp", "The demo numbers could not be prepared; see the log."
                ),
                bad=True,
            )
