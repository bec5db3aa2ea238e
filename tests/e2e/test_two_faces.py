"""The window and headless mode are two faces of one runtime: the same Settings
mean the same in both (the API on or off, its port, the quota limit).

Each face runs as the real app in a subprocess on the same data folder and
Settings, without --api-port; it is followed through its JSON log and asked
through its API.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from lila_desktop.core.settings import Settings
from lila_desktop.services.settings_store import SettingsStore

pytestmark = pytest.mark.e2e

PHONE = "51902049935"
KEY = "two-faces-api-key-0123456789"
ENV = {
    "LILA_VAULT_PASSPHRASE": "e2e passphrase, not a real one",
    "LILA_SIM_TIME_SCALE": "0.01",
    "LILA_API_KEY": KEY,
    "QT_QPA_PLATFORM": "offscreen",  # the window face without a screen
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Face:
    """One run of the app in one face, followed line by line until an event."""

    def __init__(self, face: str, data_dir: Path) -> None:
        args = [sys.executable, "-m", "lila_desktop", "--transport", "simulated"]
        args += ["--data-dir", str(data_dir), "--json-logs"]
        if face == "headless":
            args.append("--headless")
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LILA_")}
        environ.update(ENV)
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=environ)
        self.events: dict[str, dict[str, Any]] = {}

    def until(self, event: str) -> dict[str, Any]:
        assert self.proc.stderr is not None
        while event not in self.events:
            raw = self.proc.stderr.readline()
            if not raw:
                raise AssertionError(f"the app ended before {event!r}: {list(self.events)}")
            self._note(raw)
        return self.events[event]

    def _note(self, raw: str) -> None:
        try:
            line = json.loads(raw)
        except ValueError:  # Qt's own words on stderr ("does not support propagateSizeHints")
            return
        self.events.setdefault(str(line.get("event")), line)

    def stop(self) -> int:
        self.until("ready")
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:  # the rest of the log, to the end
            self._note(raw)
        return self.proc.wait(30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def call(port: int, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("x-api-key", KEY)
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.mark.parametrize("face", ["headless", "window"])
def test_the_same_settings_mean_the_same_in_both_faces(tmp_path: Path, face: str) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    SettingsStore(data_dir).save(Settings(api_port=port, quota_limit=7))
    app = Face(face, data_dir)
    try:
        assert app.until("api_listening")["port"] == port  # Settings' port, not 3001
        call(port, "POST", "/api/sessions", {"phoneNumber": PHONE})
        quota = call(port, "GET", f"/api/quota?phone={PHONE}")["data"]
        assert (quota["limit"], quota["source"]) == (7, "local")  # Settings' limit
        assert app.stop() == 0
    finally:
        app.kill()

    SettingsStore(data_dir).save(Settings(api_enabled=False, api_port=port))
    app = Face(face, data_dir)
    try:
        app.until("ready")
        assert "api_off" in app.events and "api_listening" not in app.events  # Settings: off
        assert app.stop() == 0
        assert "api_listening" not in app.events
    finally:
        app.kill()
