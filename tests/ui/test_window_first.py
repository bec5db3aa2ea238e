"""The window shows before the runtime: calm ("Starting…") until the saved
numbers are known, and only then the first-run greeting or the list.

Plus, in a fresh interpreter: importing the window face loads none of what
only the runtime needs (the pool, the vault's crypto, the controller).
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring.backends.fail
from PySide6.QtWidgets import QApplication

from lila_desktop.core.settings import Settings
from lila_desktop.services.config import CommandLine, resolve
from lila_desktop.services.quota.uri_store import MongoUriStore
from lila_desktop.services.runtime import Runtime
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui.main import GuiApp
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.single_instance import InstanceServer
from tests.conftest import MemoryKeyStore, build_test_pool
from tests.ui.conftest import LoopRunner, wait_until


def shown_window() -> MainWindow | None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, MainWindow) and w.isVisible():
            return w
    return None


def test_the_window_waits_calmly_for_the_saved_list(qloop: LoopRunner, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cli = CommandLine(data_dir=data_dir, transport="simulated", api_port="0")
    config = resolve(cli, {}, Settings())
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    gui = GuiApp(qapp, config, SettingsStore(data_dir), InstanceServer(data_dir), 0.0)
    runtime = gui.runtime = Runtime(config)
    runtime.pool = build_test_pool(data_dir, tmp_path / "run", MemoryKeyStore())
    runtime.uri_store = MongoUriStore(keyring.backends.fail.Keyring())
    # The runtime's start held at a gate: the window's state while it starts, observed.
    gate = asyncio.Event()
    real_start = runtime.start
    entered: list[bool] = []

    async def held_start(**kwargs: object) -> bool:
        entered.append(True)
        await gate.wait()
        return await real_start(**kwargs)  # type: ignore[arg-type]

    runtime.start = held_start  # type: ignore[method-assign]
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    greeted: list[bool] = []

    async def scenario() -> int:
        running = asyncio.ensure_future(gui.run())
        await wait_until(lambda: entered, what="the runtime starting")
        window = shown_window()
        assert window is not None, "the window shows before the runtime starts"
        assert gc.isenabled(), "the collector resumes once the window is shown"
        # Right after the map, before the runtime: the history and the tabs that draw it.
        assert window.tabs.built and window.history is runtime.history
        window.greeting_left.connect(lambda: greeted.append(True))
        # Starting: the list (empty), saying so; no "no number yet", no greeting.
        assert window.pages.currentWidget() is window.main_area
        assert window.detail.text() == "Starting…"
        assert window.summary_bar.text.text() == "Starting…"
        assert not window.isEnabled()
        gate.set()
        # The list is known (empty): now, and only now, the first-run greeting.
        await wait_until(lambda: window.isEnabled(), what="the start to finish")
        assert window.pages.currentWidget() is window.first_run
        assert window.summary_bar.text.text() != "Starting…"
        assert not greeted
        gui._quit.set()
        return await running

    gc.disable()  # as __main__.main leaves it for the window's start
    try:
        assert qloop.run(scenario(), timeout=60) == 0
    finally:
        gc.enable()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert runtime._closed


PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import lila_desktop.app
    import lila_desktop.ui.main  # the window face, as run_gui starts
    from PySide6.QtWidgets import QApplication
    from lila_desktop.ui.bridge import PoolBridge
    from lila_desktop.ui.main_window import MainWindow
    app = QApplication([])
    window = MainWindow(PoolBridge(None), Path(sys.argv[1]), starting=True)  # as GuiApp.run
    window.show()
    later = (
        # after the window is mapped: the history and the tabs that draw it
        "lila_desktop.services.history",
        "lila_desktop.core.timeline",
        "lila_desktop.core.actions",
        "lila_desktop.ui.widgets.timeline_panel",
        "lila_desktop.ui.widgets.backup_timeline",
        "lila_desktop.ui.widgets.log_view",
        # with the runtime
        "lila_desktop.core.policy",
        "lila_desktop.services.runtime",
        "lila_desktop.services.pool",
        "lila_desktop.services.vault.vault",
        "lila_desktop.services.engine.client",
        "lila_desktop.services.outbox",
        "lila_desktop.ui.controller",
        "lila_desktop.ui.tray",
        "cryptography",
        "sqlite3",
    )
    print(sorted(m for m in later if m in sys.modules))
    """
)


def test_the_window_face_imports_nothing_only_the_runtime_needs(tmp_path: Path) -> None:
    """What the starting window needs, and no more (bench_startup: start to map ≤ 2.5×
    a bare PySide6 window): not the runtime, nor what the tabs draw after the map."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "lila.log")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == "[]"
