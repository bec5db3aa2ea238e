"""The window and headless mode are two faces of one runtime: the same Settings
mean the same in both (the API on or off, its port, the quota limit).

Each face runs as the real app in a subprocess (the one harness,
bench/harness/app_process.py) on the same data folder and Settings, without
--api-port; it is followed through its JSON log and asked through its API.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bench.harness.app_process import AppProcess
from lila_desktop.core.settings import Settings
from lila_desktop.services.settings_store import SettingsStore

pytestmark = pytest.mark.e2e

PHONE = "51902049935"


def face(name: str, data_dir: Path) -> AppProcess:
    """The real app in one face, without --api-port: its Settings decide."""
    return AppProcess(
        data_dir,
        headless=name == "headless",
        api=False,
        time_scale="0.01",
        env={"QT_QPA_PLATFORM": "offscreen"},  # the window face without a screen
    )


@pytest.mark.parametrize("name", ["headless", "window"])
def test_the_same_settings_mean_the_same_in_both_faces(tmp_path: Path, name: str) -> None:
    data_dir = tmp_path / "data"
    with socket.socket() as sock:  # a port nobody uses, for Settings to choose
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    SettingsStore(data_dir).save(Settings(api_port=port, quota_limit=7))
    with face(name, data_dir) as app:
        assert app.port == port  # Settings' port (from the api_listening line), not 3001
        app.ok("POST", "/api/sessions", {"phoneNumber": PHONE}, expect=201)
        quota = app.ok("GET", f"/api/quota?phone={PHONE}")
        assert (quota["limit"], quota["source"]) == (7, "local")  # Settings' limit
        app.wait_ready()
        assert app.terminate() == 0

    SettingsStore(data_dir).save(Settings(api_enabled=False, api_port=port))
    with face(name, data_dir) as app:
        app.wait_ready()
        assert app.terminate() == 0
        events = {line.get("event") for line in app.lines}
        assert "api_off" in events and "api_listening" not in events  # Settings: off
