"""Starting up: a keyring that does not answer leads to an explicit choice
(passphrase or quit), never to plaintext; the single-instance handshake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from lila_desktop.app import AppConfig
from lila_desktop.core.keystore import KeyStoreUnavailable
from lila_desktop.core.settings import Settings
from lila_desktop.services.logs import log_file
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.services.vault.keystores import SALT_FILE
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.dialogs.keyring_dialog import KeyringProblemDialog
from lila_desktop.ui.main import GuiApp, _api_port
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


def config(data_dir: Path) -> AppConfig:
    return AppConfig(data_dir, "simulated", headless=False, demo=False, api_port=0, json_logs=False)


def make_gui(tmp_path: Path) -> GuiApp:
    cfg = config(tmp_path / "data")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return GuiApp(
        app, cfg, Settings(), SettingsStore(cfg.data_dir), InstanceServer(cfg.data_dir), 0.0
    )


def test_locked_keyring_offers_a_passphrase(qloop: LoopRunner, tmp_path: Path) -> None:
    gui = make_gui(tmp_path)
    data_dir = gui.config.data_dir
    bridge = PoolBridge(build_test_pool(data_dir, tmp_path / "run", LockedKeyring()))  # type: ignore[arg-type]
    window = MainWindow(bridge, log_file(data_dir))

    async def scenario() -> None:
        starting = qloop.loop.create_task(gui._start_pool(bridge, window))
        dialog: list[KeyringProblemDialog] = []
        await wait_until(
            lambda: (
                dialog.extend(
                    w
                    for w in QApplication.topLevelWidgets()
                    if isinstance(w, KeyringProblemDialog) and w.isVisible()
                )
                or dialog
            ),
            what="the keyring dialog",
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
        pool = await starting
        assert pool is not None and bridge.pool is pool
        assert (data_dir / SALT_FILE).exists()  # the passphrase key store took over
        await pool.aclose()

    qloop.run(scenario(), timeout=60)
    window.deleteLater()


def test_quitting_at_the_keyring_dialog_stores_nothing(qloop: LoopRunner, tmp_path: Path) -> None:
    gui = make_gui(tmp_path)
    bridge = PoolBridge(build_test_pool(gui.config.data_dir, tmp_path / "run", LockedKeyring()))  # type: ignore[arg-type]
    window = MainWindow(bridge, log_file(gui.config.data_dir))

    async def scenario() -> object:
        starting = qloop.loop.create_task(gui._start_pool(bridge, window))
        found: list[KeyringProblemDialog] = []
        await wait_until(
            lambda: (
                found.extend(
                    w
                    for w in QApplication.topLevelWidgets()
                    if isinstance(w, KeyringProblemDialog) and w.isVisible()
                )
                or found
            )
        )
        found[0].reject()
        return await starting

    assert qloop.run(scenario()) is None
    assert not (gui.config.data_dir / "sessions").exists() or not any(
        (gui.config.data_dir / "sessions").rglob("*.lila")
    )
    window.deleteLater()


def test_api_port_follows_command_line_then_settings(tmp_path: Path) -> None:
    base = config(tmp_path)
    assert _api_port(base, Settings()) == 0  # --api-port 0 wins
    on = AppConfig(**{**base.__dict__, "api_port": 3001})
    assert _api_port(on, Settings(api_port=4000)) == 4000
    assert _api_port(on, Settings(api_enabled=False)) == 0
    assert _api_port(AppConfig(**{**base.__dict__, "api_port": 5555}), Settings()) == 5555


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
