"""The real app, headless, as a subprocess: pool and API without a window.

`lila-desktop --headless --transport simulated --data-dir TMP` is started,
followed through its JSON log lines, and driven only through its local API:
the seed write-up's curl checks (health, status, list, backups, restore),
then every disconnect class injected through /simulate with /status showing
what the policy made of it. SIGTERM/SIGINT shut it down cleanly: sessions
sealed, backups intact, the number connected again on the next start.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.harness.app_process import AppProcess

pytestmark = pytest.mark.e2e

PHONE = "51902049935"
KEY = "e2e-api-key-0123456789abcdef"
PASSPHRASE = "e2e passphrase, not a real one"
ON_THE_WAY_BACK = {"reconnecting", "connecting", "connected"}


def start_app(
    data_dir: Path, *, headless: bool = True, env: dict[str, str] | None = None
) -> AppProcess:
    """The installed app on a port of its own choosing (`--api-port auto`)."""
    return AppProcess(
        data_dir,
        api_key=KEY,
        passphrase=PASSPHRASE,
        time_scale="0.01",
        headless=headless,
        env=env,
    )


def simulate(app: AppProcess, event: str, **args: Any) -> dict[str, Any]:
    resp = app.simulate(PHONE, event, **args)
    assert resp.status == 200, resp.body
    return dict(resp.data)


def back(app: AppProcess, start: int, timeout: float = 20) -> list[str]:
    """Wait (on the log) until the number is connected again after line `start`;
    every status it went through on the way, each one, however brief."""
    app.wait_status(PHONE, "connected", timeout, start)
    return app.statuses(PHONE, start)


def curl(*args: str) -> Any:
    """A command of the seed write-up, run with the real curl."""
    found = shutil.which("curl")
    if found is None:
        pytest.skip("curl is not installed")
    out = subprocess.run(
        [found, "-sS", *args], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path) -> Iterator[AppProcess]:
    started = start_app(data_dir)
    try:
        assert started.port > 0  # from the 'api_listening' line: the port the OS gave
        yield started
    finally:
        started.close()


def _error(line: dict[str, Any]) -> bool:
    return line.get("level") == "error"


def _backups(app: AppProcess) -> list[str]:
    code, data = app.call("GET", f"/api/sessions/{PHONE}/backups")
    assert code == 200
    return [b["timestamp"] for b in data["data"]["backups"]]


def test_headless_seed_checks_disconnect_policy_and_clean_shutdown(
    app: AppProcess, data_dir: Path
) -> None:
    base = app.base
    # The seed's health check, then creating and linking a number (its step 4-5).
    assert curl(f"{base}/health")["data"]["status"] == "ok"
    created = curl(
        "-X",
        "POST",
        f"{base}/api/sessions",
        "-H",
        "Content-Type: application/json",
        "-H",
        f"x-api-key: {KEY}",
        "-d",
        json.dumps({"phoneNumber": PHONE}),
    )
    assert created["data"]["status"] == "qr" and created["data"]["qrImage"].startswith("data:")
    qr = curl(f"{base}/api/sessions/{PHONE}/qr?format=json", "-H", f"x-api-key: {KEY}")
    assert qr["data"]["qr"] == created["data"]["qr"] or qr["data"]["qr"]
    assert simulate(app, "scan")["status"] == "connected"
    # From here on no QR, ever, until the logout below: read from the app's
    # own status lines, which record every change (a poll could miss one).
    linked = app.mark()

    # The seed's status and list checks, open on loopback.
    status = curl(f"{base}/api/sessions/{PHONE}/status")
    assert status["success"] and status["data"]["isConnected"] is True
    listed = curl(f"{base}/api/sessions")
    assert listed["data"]["sessions"] == [
        {"phoneNumber": PHONE, "status": "connected", "isConnected": True, "name": ""}
    ]
    backups_dir = data_dir / "sessions" / "backups" / PHONE
    app.wait_log(lambda ln: f"backup of {PHONE}" in str(ln.get("msg")), 20)
    assert sorted(p.name for p in backups_dir.iterdir() if p.name.startswith("creds-"))

    # Temporary ban (first, while the failure counter is 0: the retry after a
    # ban also waits for the backoff): waits for the end, then back by itself.
    mark = app.mark()
    banned = simulate(app, "temp_ban", seconds=1)
    assert banned["status"] == "temp_banned" and banned["banUntil"]
    assert back(app, mark)[0] == "temp_banned"

    # Replaced: no automatic loop of takeovers; taking over is the owner's call.
    replaced = simulate(app, "replaced")
    assert replaced["status"] == "replaced" and replaced["needsAction"] is True
    mark = app.mark()
    app.call("POST", "/api/sessions", {"phoneNumber": PHONE})  # take over
    back(app, mark)

    # Outdated: stop and ask for an update (the simulated "update" is one-shot).
    outdated = simulate(app, "outdated")
    assert outdated["status"] == "outdated" and outdated["needsAction"] is True
    mark = app.mark()
    app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
    back(app, mark)

    # Every transient class: credentials kept, back by itself, never a QR. The
    # backoff grows with each drop (1 s, 2 s, 4 s ...; the counter resets only
    # after a minute of stable connection), so after the first one the test
    # says "network is back", which skips the rest of the wait, as on wake-up.
    for i, code in enumerate((408, 428, 500, 503, 515)):
        mark = app.mark()
        after = simulate(app, "disconnect", code=code)
        assert after["status"] == "reconnecting", after
        assert after["lastDisconnect"]["code"] == code
        assert after["reconnect"]["attempt"] == i + 1 and after["reconnect"]["nextRetryAt"]
        if i:
            simulate(app, "network_up")
        seen = back(app, mark, 10)
        assert seen[0] == "reconnecting" and set(seen) <= ON_THE_WAY_BACK, (code, seen)
    mark = app.mark()
    down = simulate(app, "network_down")
    assert down["isConnected"] is False
    app.wait_status(PHONE, "reconnecting", 10, mark)
    simulate(app, "network_up")
    back(app, mark, 10)
    mark = app.mark()
    crashed = simulate(app, "engine_crash")
    assert "engine" in crashed["lastDisconnect"]["reason"]
    simulate(app, "network_up")  # skip the grown backoff once the engine is back
    back(app, mark, 30)

    # While connected, creating the session again gives no QR.
    code, again = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
    assert code == 200 and again["data"]["qr"] is None
    seen = app.statuses(PHONE, linked)
    assert "qr" not in seen and "logged_out" not in seen, seen

    # Logged out: only now a QR, and the seed's restore brings the login back.
    before = _backups(app)
    out = simulate(app, "logout", code=401)
    assert out["status"] == "logged_out" and out["needsAction"] is True
    code, relink = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
    assert code == 201 and relink["data"]["status"] == "qr" and relink["data"]["qr"]
    restored = curl(
        "-X",
        "POST",
        f"{base}/api/sessions/{PHONE}/restore",
        "-H",
        "Content-Type: application/json",
        "-H",
        f"x-api-key: {KEY}",
    )
    assert restored["success"] and restored["data"]["accepted"] is True, restored
    assert app.status(PHONE)["status"] == "connected"
    assert set(before) <= set(_backups(app)), "no backup was lost on the way"

    # Restore a chosen backup, as the seed's second restore command does.
    chosen = _backups(app)[-1]
    mark = app.mark()
    by_ts = curl(
        "-X",
        "POST",
        f"{base}/api/sessions/{PHONE}/restore",
        "-H",
        "Content-Type: application/json",
        "-H",
        f"x-api-key: {KEY}",
        "-d",
        json.dumps({"backupTimestamp": chosen}),
    )
    assert by_ts["data"]["restoredFrom"] == chosen
    back(app, mark)

    # A corrupt store is set aside (never deleted) and a restore fixes it.
    lines_before_corruption = app.mark()
    corrupt = simulate(app, "corrupt_store")
    assert corrupt["status"] != "connected"
    app.wait_status(PHONE, "failed", 20, lines_before_corruption)
    # The status is published first; the quarantine follows: wait for its line.
    app.wait_log(lambda ln: "set aside" in str(ln.get("msg")), 10, lines_before_corruption)
    assert any(p.name.startswith("corrupt-") for p in backups_dir.iterdir())
    code, fixed = app.call("POST", f"/api/sessions/{PHONE}/restore")
    assert code == 200 and fixed["data"]["accepted"] is True, fixed
    # The seed's backup listing, through the API.
    listing = curl(f"{base}/api/sessions/{PHONE}/backups", "-H", f"x-api-key: {KEY}")
    assert listing["data"]["total"] == len(listing["data"]["backups"]) >= 1
    kept = sorted(p.name for p in backups_dir.iterdir())

    # SIGTERM: clean shutdown, the store sealed, backups intact.
    assert app.terminate(30) == 0
    events = [line.get("event") for line in app.lines]
    assert "stopping" in events and "api_stopped" in events and events[-1] == "stopped"
    # Errors only from what was injected: the engine crash, then the corrupt store.
    errors = [line["msg"] for line in app.lines[:lines_before_corruption] if _error(line)]
    assert all("engine" in msg for msg in errors), errors
    errors = [line["msg"] for line in app.lines[lines_before_corruption:] if _error(line)]
    assert all(PHONE in msg for msg in errors), errors
    assert sorted(p.name for p in backups_dir.iterdir()) == kept

    # Next start (no display, no --headless: headless with a message), the
    # number comes back connected from its sealed store, without a QR.
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""}
    second = start_app(data_dir, headless=False, env=env)
    try:
        second.wait_log("api_listening")
        assert any("no display found" in str(line.get("msg")) for line in second.lines)
        assert "qr" not in back(second, 0)
        assert second.terminate(30, signal.SIGINT) == 0
        assert second.lines[-1].get("event") == "stopped"
    finally:
        second.close()


def test_api_port_zero_turns_the_api_off(data_dir: Path) -> None:
    with AppProcess(data_dir, api=False, extra_args=["--api-port", "0"]) as app:
        app.wait_ready()
        events = [line.get("event") for line in app.lines]
        assert "api_off" in events and "api_listening" not in events
        assert app.terminate(30) == 0


def test_a_taken_port_exits_with_a_clear_message(data_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with AppProcess(data_dir, api=False, extra_args=["--api-port", str(port)]) as app:
            assert app.proc.wait(60) == 3
            refused = app.wait_log("start_refused")
    assert "already in use" in refused["msg"]
