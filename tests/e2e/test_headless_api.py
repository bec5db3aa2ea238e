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
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PHONE = "51902049935"
KEY = "e2e-api-key-0123456789abcdef"
BASE_ENV = {
    "LILA_VAULT_PASSPHRASE": "e2e passphrase, not a real one",
    "LILA_SIM_TIME_SCALE": "0.01",
    "LILA_API_KEY": KEY,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command() -> list[str]:
    script = Path(sys.executable).with_name("lila-desktop")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lila_desktop"]


class App:
    """One run of the app; its stderr JSON lines are collected by a thread."""

    def __init__(self, data_dir: Path, *, headless: bool = True, env: dict[str, str] | None = None):
        self.port = _free_port()
        self.base = f"http://localhost:{self.port}"
        args = [*_command(), "--transport", "simulated", "--data-dir", str(data_dir)]
        args += ["--api-port", str(self.port), "--json-logs"]
        if headless:
            args.append("--headless")
        environ = {k: v for k, v in os.environ.items() if k != "LILA_API_KEY"}
        environ.update(BASE_ENV, **(env or {}))
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=environ)
        self.lines: list[dict[str, Any]] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            try:
                line = json.loads(raw)
            except ValueError:
                line = {"msg": raw.rstrip(), "event": "non-json"}
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()

    def wait_log(self, event: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines:
                    if line.get("event") == event:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no {event!r} log line; got {self.lines[-5:]}")
                self._seen.wait(min(left, 0.5))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self._close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close()

    def _close(self) -> None:
        self._reader.join(10)  # it ends at EOF, once the app and its engine are gone
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def call(
        self, method: str, path: str, body: Any = None, *, key: bool = True
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if key:
            request.add_header("x-api-key", KEY)
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def status(self) -> dict[str, Any]:
        code, data = self.call("GET", f"/api/sessions/{PHONE}/status", key=False)
        assert code == 200, data
        result: dict[str, Any] = data["data"]
        return result

    def poll(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20
    ) -> tuple[dict[str, Any], list[str]]:
        """Poll /status until `predicate`; also return the statuses seen on the way."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if not seen or seen[-1] != status["status"]:
                seen.append(status["status"])
            if predicate(status):
                return status, seen
            if time.monotonic() > deadline:
                raise AssertionError(f"status stuck: {status}; seen {seen}")
            time.sleep(0.05)

    def simulate(self, event: str, **args: Any) -> dict[str, Any]:
        code, data = self.call("POST", f"/api/sessions/{PHONE}/simulate", {"event": event, **args})
        assert code == 200, data
        result: dict[str, Any] = data["data"]
        return result

    def curl(self, *args: str) -> Any:
        """A command of the seed write-up, run with the real curl."""
        curl = shutil.which("curl")
        if curl is None:
            pytest.skip("curl is not installed")
        out = subprocess.run(
            [curl, "-sS", *args], capture_output=True, text=True, timeout=60, check=True
        )
        return json.loads(out.stdout)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path) -> Iterator[App]:
    started = App(data_dir)
    try:
        line = started.wait_log("api_listening")
        assert line["port"] == started.port
        yield started
    finally:
        started.kill()


def _connected(s: dict[str, Any]) -> bool:
    return bool(s["isConnected"])


def _error(line: dict[str, Any]) -> bool:
    return line.get("level") == "error"


def _backups(app: App) -> list[str]:
    code, data = app.call("GET", f"/api/sessions/{PHONE}/backups")
    assert code == 200
    return [b["timestamp"] for b in data["data"]["backups"]]


def test_headless_seed_checks_disconnect_policy_and_clean_shutdown(
    app: App, data_dir: Path
) -> None:
    base = app.base
    # The seed's health check, then creating and linking a number (its step 4-5).
    assert app.curl(f"{base}/health")["data"]["status"] == "ok"
    created = app.curl(
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
    qr = app.curl(f"{base}/api/sessions/{PHONE}/qr?format=json", "-H", f"x-api-key: {KEY}")
    assert qr["data"]["qr"] == created["data"]["qr"] or qr["data"]["qr"]
    assert app.simulate("scan")["status"] == "connected"

    # The seed's status and list checks, open on loopback.
    status = app.curl(f"{base}/api/sessions/{PHONE}/status")
    assert status["success"] and status["data"]["isConnected"] is True
    listed = app.curl(f"{base}/api/sessions")
    assert listed["data"]["sessions"] == [
        {"phoneNumber": PHONE, "status": "connected", "isConnected": True, "name": ""}
    ]
    backups_dir = data_dir / "sessions" / "backups" / PHONE
    app.poll(lambda s: s["lastBackupAt"] is not None)
    assert sorted(p.name for p in backups_dir.iterdir() if p.name.startswith("creds-"))

    # Temporary ban (first, while the failure counter is 0: the retry after a
    # ban also waits for the backoff): waits for the end, then back by itself.
    banned = app.simulate("temp_ban", seconds=1)
    assert banned["status"] == "temp_banned" and banned["banUntil"]
    _, seen = app.poll(_connected, timeout=20)
    assert "qr" not in seen

    # Replaced: no automatic loop of takeovers; taking over is the owner's call.
    replaced = app.simulate("replaced")
    assert replaced["status"] == "replaced" and replaced["needsAction"] is True
    code, again = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})  # take over
    app.poll(_connected, timeout=20)

    # Outdated: stop and ask for an update (the simulated "update" is one-shot).
    outdated = app.simulate("outdated")
    assert outdated["status"] == "outdated" and outdated["needsAction"] is True
    app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
    app.poll(_connected, timeout=20)

    # Every transient class: credentials kept, back by itself, never a QR. The
    # backoff grows with each drop (1 s, 2 s, 4 s ...; the counter resets only
    # after a minute of stable connection), so after the first one the test
    # says "network is back", which skips the rest of the wait, as on wake-up.
    for i, code in enumerate((408, 428, 500, 503, 515)):
        after = app.simulate("disconnect", code=code)
        assert after["status"] == "reconnecting", after
        assert after["lastDisconnect"]["code"] == code
        assert after["reconnect"]["attempt"] == i + 1 and after["reconnect"]["nextRetryAt"]
        if i:
            app.simulate("network_up")
        _, seen = app.poll(_connected, timeout=10)
        assert "qr" not in seen and "logged_out" not in seen, (code, seen)
    down = app.simulate("network_down")
    assert down["isConnected"] is False
    app.poll(lambda s: s["status"] == "reconnecting")
    app.simulate("network_up")
    _, seen = app.poll(_connected, timeout=10)
    assert "qr" not in seen
    crashed = app.simulate("engine_crash")
    assert "engine" in crashed["lastDisconnect"]["reason"]
    app.simulate("network_up")  # skip the grown backoff once the engine is back
    _, seen = app.poll(_connected, timeout=30)
    assert "qr" not in seen

    # While connected, creating the session again gives no QR.
    code, again = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
    assert code == 200 and again["data"]["qr"] is None

    # Logged out: only now a QR, and the seed's restore brings the login back.
    before = _backups(app)
    out = app.simulate("logout", code=401)
    assert out["status"] == "logged_out" and out["needsAction"] is True
    code, relink = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
    assert code == 201 and relink["data"]["status"] == "qr" and relink["data"]["qr"]
    restored = app.curl(
        "-X",
        "POST",
        f"{base}/api/sessions/{PHONE}/restore",
        "-H",
        "Content-Type: application/json",
        "-H",
        f"x-api-key: {KEY}",
    )
    assert restored["success"] and restored["data"]["accepted"] is True, restored
    assert app.status()["status"] == "connected"
    assert set(before) <= set(_backups(app)), "no backup was lost on the way"

    # Restore a chosen backup, as the seed's second restore command does.
    chosen = _backups(app)[-1]
    by_ts = app.curl(
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
    app.poll(_connected)

    # A corrupt store is set aside (never deleted) and a restore fixes it.
    lines_before_corruption = len(app.lines)
    corrupt = app.simulate("corrupt_store")
    assert corrupt["status"] != "connected"
    app.poll(lambda s: s["status"] == "failed")
    # The status is published first; the quarantine follows within moments.
    deadline = time.monotonic() + 10
    while not any(p.name.startswith("corrupt-") for p in backups_dir.iterdir()):
        assert time.monotonic() < deadline, "the corrupt store was not set aside"
        time.sleep(0.05)
    code, fixed = app.call("POST", f"/api/sessions/{PHONE}/restore")
    assert code == 200 and fixed["data"]["accepted"] is True, fixed
    # The seed's backup listing, through the API.
    listing = app.curl(f"{base}/api/sessions/{PHONE}/backups", "-H", f"x-api-key: {KEY}")
    assert listing["data"]["total"] == len(listing["data"]["backups"]) >= 1
    kept = sorted(p.name for p in backups_dir.iterdir())

    # SIGTERM: clean shutdown, the store sealed, backups intact.
    assert app.stop(signal.SIGTERM) == 0
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
    second = App(data_dir, headless=False, env=env)
    try:
        second.wait_log("api_listening")
        assert any("no display found" in str(line.get("msg")) for line in second.lines)
        status, seen = second.poll(_connected, timeout=20)
        assert "qr" not in seen
        assert second.stop(signal.SIGINT) == 0
        assert second.lines[-1].get("event") == "stopped"
    finally:
        second.kill()


def test_api_port_zero_turns_the_api_off(data_dir: Path) -> None:
    args = [*_command(), "--headless", "--transport", "simulated", "--data-dir", str(data_dir)]
    environ = {**os.environ, **BASE_ENV}
    proc = subprocess.Popen(
        [*args, "--api-port", "0", "--json-logs"], stderr=subprocess.PIPE, text=True, env=environ
    )
    try:
        assert proc.stderr is not None
        events = []
        for raw in proc.stderr:
            events.append(json.loads(raw).get("event"))
            if "ready" in events:
                break
        assert "api_off" in events and "api_listening" not in events
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stderr.close()


def test_a_taken_port_exits_with_a_clear_message(data_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = [*_command(), "--headless", "--transport", "simulated", "--data-dir", str(data_dir)]
        out = subprocess.run(
            [*args, "--api-port", str(port), "--json-logs"],
            capture_output=True,
            text=True,
            env={**os.environ, **BASE_ENV},
            timeout=60,
        )
    assert out.returncode == 3
    refused = [json.loads(line) for line in out.stderr.splitlines() if "start_refused" in line]
    assert refused and "already in use" in refused[0]["msg"]
