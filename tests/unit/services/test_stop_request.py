"""Quit a running app cleanly from outside (SIGTERM here; a named event on Windows)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from lila_desktop.services.stop_request import event_name, request_stop, running_pid

ROOT = Path(__file__).resolve().parents[3]


def test_the_smoke_script_names_the_same_windows_event(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("smoke_app", ROOT / "packaging" / "smoke_app.py")
    assert spec is not None and spec.loader is not None
    smoke = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(smoke)
    assert smoke.STOP_EVENT_PREFIX + smoke.digest(tmp_path) == event_name(tmp_path)


def test_nothing_running_nothing_asked(tmp_path: Path) -> None:
    assert running_pid(tmp_path) is None and request_stop(tmp_path) is False


def test_a_running_headless_app_quits_cleanly_when_asked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = subprocess.Popen(
        [sys.executable, "-m", "lila_desktop", "--headless", "--demo", "--data-dir", str(data),
         "--api-port", "0", "--json-logs"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={"LILA_VAULT_PASSPHRASE": "stop request test", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    try:
        assert app.stderr is not None
        for line in app.stderr:  # blocks until the app logs; ends if it exits
            if json.loads(line).get("event") == "ready":
                break
        assert running_pid(data) == app.pid
        assert request_stop(data)
        assert app.wait(60) == 0
        rest = app.stderr.read()
        assert '"event": "stopped"' in rest or '"event":"stopped"' in rest, rest[-2000:]
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        app.stderr.close()
