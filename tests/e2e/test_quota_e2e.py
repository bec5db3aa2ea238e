"""The real app, headless, sending through the simulated transport until the
monthly quota says no: the limit comes from Settings (settings.json), then
from LILA_QUOTA_LIMIT on the next start, and the use survives the restart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_headless_api import PHONE, simulate, start_app

pytestmark = pytest.mark.e2e

SEND = f"/api/messages/{PHONE}/text"
OTHER = "51987654321"


def test_sends_stop_at_the_quota_from_settings_then_from_the_environment(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # No pacing: each send answers 200 "sent" instead of 202 "queued" behind the pause.
    (data_dir / "settings.json").write_text(
        json.dumps({"quota_limit": 2, "send_interval_seconds": 0})
    )
    app = start_app(data_dir, env={"LILA_MONGODB_URI": "", "LILA_QUOTA_LIMIT": ""})
    try:
        code, _ = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
        assert code == 201
        assert simulate(app, "scan")["status"] == "connected"
        for i in range(2):
            code, data = app.call("POST", SEND, {"to": OTHER, "text": f"Hola {i}"})
            assert code == 200, data
            assert data["messageId"].startswith("3EB0")
        code, data = app.call("POST", SEND, {"to": OTHER, "text": "one too many"})
        assert code == 429, data
        assert data["error"]["code"] == "WHATSAPP_QUOTA_EXCEEDED"
        assert (data["error"]["quota"]["current"], data["error"]["quota"]["limit"]) == (2, 2)
        code, data = app.call("GET", f"/api/quota?phone={PHONE}")
        assert code == 200
        assert (data["data"]["used"], data["data"]["limit"], data["data"]["source"]) == (
            2,
            2,
            "local",
        )
        assert app.terminate(30) == 0
    finally:
        app.close()

    again = start_app(data_dir, env={"LILA_MONGODB_URI": "", "LILA_QUOTA_LIMIT": "3"})
    try:
        again.wait_status(PHONE, "connected", 30)
        code, data = again.call("POST", SEND, {"to": OTHER, "text": "the third"})
        assert code == 200, data
        assert (data["data"]["quota"]["used"], data["data"]["quota"]["limit"]) == (3, 3)
        code, data = again.call("POST", SEND, {"to": OTHER, "text": "the fourth"})
        assert code == 429, data
        assert again.terminate(30) == 0
    finally:
        again.close()
