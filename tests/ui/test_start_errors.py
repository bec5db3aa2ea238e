"""The window face refuses a bad start the same way headless does: one plain line
(in a dialog, and on stderr) and a non-zero exit, never a traceback.

`app.run()` is driven in this process with a display present, so it picks the
window face; the dialog is read and closed when it shows. The headless face
of the same values runs as a real process in tests/e2e/test_bad_start.py.
"""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from lila_desktop import app
from lila_desktop.core.settings import Settings
from lila_desktop.services.config import CommandLine, resolve
from lila_desktop.services.quota.uri_store import MongoUriStore
from lila_desktop.services.runtime import Runtime
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui import i18n
from lila_desktop.ui.main import GuiApp, run_gui
from lila_desktop.ui.single_instance import InstanceServer
from tests.conftest import MemoryKeyStore, build_test_pool
from tests.ui.conftest import LoopRunner, wait_until

WINDOW_ENV = {"QT_QPA_PLATFORM": "offscreen", "LILA_VAULT_PASSPHRASE": "a good passphrase"}


def read_and_close_the_dialog(seen: list[tuple[str, str]]) -> None:
    """When the start-error dialog shows, note its texts and close it as the owner would."""

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "start_error_box":
            seen.append((box.text(), box.informativeText()))
            box.accept()
        else:
            QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)


@pytest.fixture
def dialog(qapp: QApplication) -> Iterator[list[tuple[str, str]]]:
    seen: list[tuple[str, str]] = []
    read_and_close_the_dialog(seen)
    yield seen
    i18n.install_language("en")  # the refusal installed the Settings' language


CASES = [
    pytest.param({"LILA_VAULT_PASSPHRASE": "7 chars"}, None, "is too short", id="passphrase-short"),
    pytest.param({"LILA_VAULT_PASSPHRASE": ""}, None, "is empty", id="passphrase-empty"),
    pytest.param({"LILA_API_KEY": "tooshort"}, None, "LILA_API_KEY must be 16", id="api-key"),
    pytest.param({"LILA_QUOTA_LIMIT": "-3"}, None, "must be a positive whole", id="quota-limit"),
    pytest.param({"LILA_MONGODB_URI": "x://y"}, None, "not a MongoDB connection", id="mongodb"),
    pytest.param({}, "65536", "from 1 to 65535", id="port-out-of-range"),
]


@pytest.mark.parametrize(("env", "port", "words"), CASES)
def test_a_bad_value_shows_one_line_and_exits(
    dialog: list[tuple[str, str]],
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
    env: dict[str, str],
    port: str | None,
    words: str,
) -> None:
    cli = CommandLine(data_dir=tmp_path / "data", transport="simulated", api_port=port)
    code = app.run(cli, {**WINDOW_ENV, **env})
    assert code == 2
    [(title, line)] = dialog
    assert title == "Lila Desktop could not start." and words in line and "\n" not in line
    err = capfd.readouterr().err
    [plain] = [x for x in err.splitlines() if x.startswith("lila-desktop: ")]
    assert words in plain and "Traceback" not in err  # the same refusal on stderr
    assert not (tmp_path / "data" / "sessions.json").exists()


@pytest.mark.parametrize("kind", ["file", "under-a-file"])
def test_a_bad_data_folder_shows_one_line_and_exits(
    dialog: list[tuple[str, str]], capfd: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    data_dir = a_file if kind == "file" else a_file / "data"
    assert app.run(CommandLine(data_dir=data_dir), WINDOW_ENV) == 2
    [(_, line)] = dialog
    assert ("is a file" if kind == "file" else "cannot be created") in line
    assert "Traceback" not in capfd.readouterr().err


def test_a_port_in_use_shows_one_line_and_exits(
    dialog: list[tuple[str, str]], capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = resolve(
            CommandLine(data_dir=tmp_path / "data", transport="simulated"),
            {},
            Settings(api_port=port),  # the owner's Settings chose a port that is taken
        )
        assert run_gui(config) == 3
    [(_, line)] = dialog
    assert f"Port {port} is already in use" in line and "--api-port" in line
    assert "Traceback" not in capfd.readouterr().err


def test_the_dialog_speaks_the_owners_language(
    dialog: list[tuple[str, str]], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    SettingsStore(data_dir).save(Settings(language="es"))
    assert app.run(CommandLine(data_dir=data_dir), {**WINDOW_ENV, "LILA_QUOTA_LIMIT": "0"}) == 2
    [(title, line)] = dialog
    assert title == "Lila Desktop no pudo iniciarse."
    assert line.startswith("LILA_QUOTA_LIMIT debe ser un número entero positivo")


def test_a_refusal_after_the_window_shows_is_a_dialog_too(
    qloop: LoopRunner, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The port is taken between the check and the bind: the runtime refuses mid-start."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        data_dir = tmp_path / "data"
        cli = CommandLine(data_dir=data_dir, transport="simulated", api_port=str(port))
        config = resolve(cli, {"LILA_API_KEY": "k" * 24}, Settings())
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication)
        gui = GuiApp(qapp, config, SettingsStore(data_dir), InstanceServer(data_dir), 0.0)
        gui.runtime = Runtime(config)  # given: GuiApp.run uses it (its pool on a test key)
        gui.runtime.pool = build_test_pool(data_dir, tmp_path / "run", MemoryKeyStore())
        gui.runtime.uri_store = MongoUriStore(keyring.backends.fail.Keyring())
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        seen: list[str] = []

        async def close_the_dialog() -> None:
            boxes: list[QMessageBox] = []
            await wait_until(
                lambda: (
                    boxes.extend(
                        w
                        for w in QApplication.topLevelWidgets()
                        if isinstance(w, QMessageBox)
                        and w.objectName() == "start_error_box"
                        and w.isVisible()
                    )
                    or boxes
                ),
                what="the start-error dialog",
            )
            seen.append(boxes[0].informativeText())
            boxes[0].accept()

        async def scenario() -> int:
            closer = qloop.loop.create_task(close_the_dialog())
            code = await gui.run()
            await closer
            return code

        try:
            assert qloop.run(scenario()) == 3
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
    assert seen and f"Port {port} is already in use" in seen[0]
    err = capfd.readouterr().err
    assert f"lila-desktop: Port {port} is already in use" in err and "Traceback" not in err
    assert not gui.runtime.pool.snapshots() and gui.runtime._closed  # started, then closed
