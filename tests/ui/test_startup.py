"""Starting up: a keyring that does not answer leads to an explicit choice
(passphrase or quit), never to plaintext; the single-instance handshake."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Awaitable
from pathlib import Path

import keyring.backends.fail
from PySide6.QtWidgets import QApplication

from lila_desktop.core.keystore import KeyStoreUnavailable
from lila_desktop.core.settings import Settings
from lila_desktop.services.config import CommandLine, RuntimeConfig, resolve
from lila_desktop.services.logs import log_file
from lila_desktop.services.quota.uri_store import MongoUriStore
from lila_desktop.services.runtime import Runtime
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.services.vault.keystores import SALT_FILE
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.dialogs.keyring_dialog import KeyringProblemDialog
from lila_desktop.ui.main import GuiApp
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.single_instance import InstanceServer, server_name
from tests.conftest import build_test_pool
from tests.ui.conftest import LoopRunner, wait_until


class LockedKeyring:
    """A KeyStore whose keyring refuses, as a locked Secret Service does."""

    kind = "keyring"
    description = "the system keyring"

    def load_key(self) -> bytes | None:
        raise KeyStoreUnavailable("The keyring is locked (Prompt dismissed).")

    def create_key(self) -> bytes:
        raise AssertionError("never reached")


def config(data_dir: Path) -> RuntimeConfig:
    cli = CommandLine(data_dir=data_dir, transport="simulated", api_port="0")
    return resolve(cli, {}, Settings())


def make_gui(tmp_path: Path) -> GuiApp:
    cfg = config(tmp_path / "data")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return GuiApp(app, cfg, SettingsStore(cfg.data_dir), InstanceServer(cfg.data_dir), 0.0)


def locked_runtime(gui: GuiApp, tmp_path: Path) -> tuple[Runtime, PoolBridge]:
    """The window's runtime with a keyring that refuses (and none for the portal address)."""
    runtime = gui.runtime = Runtime(gui.config)  # as GuiApp.run builds it, behind the window
    runtime.pool = build_test_pool(gui.config.data_dir, tmp_path / "run", LockedKeyring())  # type: ignore[arg-type]
    runtime.uri_store = MongoUriStore(keyring.backends.fail.Keyring())
    bridge = PoolBridge(runtime.pool)
    return runtime, bridge


def start(gui: GuiApp, runtime: Runtime, bridge: PoolBridge, window: MainWindow) -> Awaitable[bool]:
    return runtime.start(
        ask_keystore=lambda exc: gui._ask_keystore(exc, window), on_pool=bridge.set_pool
    )


def visible_keyring_dialogs() -> list[KeyringProblemDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, KeyringProblemDialog) and w.isVisible()
    ]


def test_locked_keyring_offers_a_passphrase(qloop: LoopRunner, tmp_path: Path) -> None:
    gui = make_gui(tmp_path)
    data_dir = gui.config.data_dir
    runtime, bridge = locked_runtime(gui, tmp_path)
    window = MainWindow(bridge, log_file(data_dir))

    async def scenario() -> None:
        starting = qloop.loop.create_task(start(gui, runtime, bridge, window))
        dialog: list[KeyringProblemDialog] = []
        await wait_until(
            lambda: dialog.extend(visible_keyring_dialogs()) or dialog, what="the keyring dialog"
        )
        box = dialog[0]
        assert box.first_time  # no salt yet: asks twice
        assert "Prompt dismissed" in box.findChild(type(box.error_label), "problem_label").text()
        box.pass_edit.setText("short")
        box._on_buttons_accepted()
        assert "At least 8" in box.error_label.text()
        box.pass_edit.setText("correct horse battery")
        box.again_edit.setText("correct horse battery")
        box._on_buttons_accepted()
        assert await starting is True
        assert bridge.pool is runtime.pool
        assert (data_dir / SALT_FILE).exists()  # the passphrase key store took over
        await runtime.aclose()

    qloop.run(scenario(), timeout=60)
    window.deleteLater()


def test_quitting_at_the_keyring_dialog_stores_nothing(qloop: LoopRunner, tmp_path: Path) -> None:
    gui = make_gui(tmp_path)
    runtime, bridge = locked_runtime(gui, tmp_path)
    window = MainWindow(bridge, log_file(gui.config.data_dir))

    async def scenario() -> object:
        starting = qloop.loop.create_task(start(gui, runtime, bridge, window))
        found: list[KeyringProblemDialog] = []
        await wait_until(lambda: found.extend(visible_keyring_dialogs()) or found)
        found[0].reject()
        return await starting

    assert qloop.run(scenario()) is False
    # Nothing written for any number, whatever its name (not only *.lila files).
    assert not (gui.config.data_dir / "sessions").exists() or not any(
        p.is_file() for p in (gui.config.data_dir / "sessions").rglob("*")
    )
    window.deleteLater()


def test_a_signal_at_the_keyring_dialog_quits(qloop: LoopRunner, tmp_path: Path) -> None:
    """SIGTERM (a logout, `kill`) while the dialog waits: the app quits with 0, storing
    nothing (it used to wait for the dialog forever and had to be killed)."""
    gui = make_gui(tmp_path)
    runtime, _bridge = locked_runtime(gui, tmp_path)  # given: GuiApp.run uses it
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    async def scenario() -> int:
        running = qloop.loop.create_task(gui.run())
        await wait_until(visible_keyring_dialogs, what="the keyring dialog")
        os.kill(os.getpid(), signal.SIGTERM)
        return await running

    try:
        assert qloop.run(scenario(), timeout=30) == 0
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert not visible_keyring_dialogs()
    assert runtime._closed
    assert not (gui.config.data_dir / SALT_FILE).exists()
    assert not (gui.config.data_dir / "sessions").exists() or not any(
        p.is_file() for p in (gui.config.data_dir / "sessions").rglob("*")
    )


SECOND_LAUNCH = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from lila_desktop.ui.single_instance import ask_first_instance
app = QCoreApplication([])
sys.exit(0 if ask_first_instance(Path(sys.argv[1])) else 1)
"""


def test_second_launch_asks_the_first_to_show(qtbot, qloop: LoopRunner, tmp_path: Path) -> None:
    server = InstanceServer(tmp_path)
    assert server.listen()
    assert server.name == server_name(tmp_path) != server_name(tmp_path / "other")
    with qtbot.waitSignal(server.show_requested, timeout=10_000):
        child = subprocess.Popen([sys.executable, "-c", SECOND_LAUNCH, str(tmp_path)])
    assert child.wait(10) == 0
    server.close()
    lonely = subprocess.run([sys.executable, "-c", SECOND_LAUNCH, str(tmp_path / "x")], timeout=20)
    assert lonely.returncode == 1  # nobody there: the launch goes on to start normally
