"""No secret reaches a log or an answer; malformed requests are answered and logged quietly
(issue 13, findings 2 and 5).

The real app, its real `logs/combined.log`: requests aiohttp's own parser
refuses (a control character in `x-api-key`, junk), a client that hangs up
mid-body. The key must appear in no log line, every answer must be the JSON
envelope with the security headers, nothing is logged as an error, and the
log files are private.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

from bench.harness.app_process import API_KEY, PASSPHRASE, AppProcess

pytestmark = pytest.mark.e2e

PHONE = "51911000009"
CONTROL = ["\x00", "\r", "\x1b", "\x7f", "\x01", "\x0b"]


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of raw bytes sent to the app."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return int(lines[0].split(" ", 2)[1]), headers, body


def _assert_envelope(status: int, headers: dict[str, str], body: bytes, expected: int) -> None:
    assert status == expected, body
    assert headers.get("content-type", "").startswith("application/json"), headers
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("cache-control") == "no-store"
    error = json.loads(body)["error"]
    assert error["statusCode"] == expected and error["code"] and error["message"]


@pytest.mark.timeout(90)
def test_malformed_requests_never_put_the_key_in_a_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = AppProcess(data)
    try:
        app.wait_ready(60)
        app.link(PHONE)
        sent = app.call("POST", f"/api/messages/{PHONE}/text", {"to": "51911000099", "text": "hi"})
        assert sent.status == 200, sent.body
        path = f"/api/sessions/{PHONE}/backups"
        for char in CONTROL:
            request = (
                f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
                f"x-api-key: {API_KEY}{char}tail\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ).encode("latin-1")
            status, headers, body = _raw(app.port, request)
            _assert_envelope(status, headers, body, 400)
            assert API_KEY.encode() not in body
        # Junk: the probe's 10,000 requests, in small.
        for n in range(200):
            junk = bytes((n * 37 + i * 11) % 256 for i in range(64)) + b"\r\n\r\n"
            status, headers, body = _raw(app.port, junk)
            assert status < 500, body
            _assert_envelope(status, headers, body, status)
        # A client that hangs up mid-body.
        with socket.create_connection(("127.0.0.1", app.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nx-api-key: "
                + API_KEY.encode()
                + b'\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"phone'
            )
        health = app.call("GET", "/health")
        assert health.status == 200
        assert app.terminate(60) == 0
    finally:
        app.close()

    log = data / "logs" / "combined.log"
    text = log.read_text(encoding="utf-8")
    assert API_KEY not in text
    assert PASSPHRASE not in text
    stderr = json.dumps(app.lines)
    assert API_KEY not in stderr and PASSPHRASE not in stderr
    bad = [ln for ln in app.lines if ln.get("level") in ("error", "critical") or "exc" in ln]
    assert bad == [], bad[:3]
    assert app.unhandled() == []
    # The log names numbers and contacts: private files in private folders, all of them
    # (logs/, quota/, combined.log, the ledger, the lock file, the vault).
    modes = {str(p.relative_to(data)): stat.S_IMODE(os.lstat(p).st_mode) for p in data.rglob("*")}
    assert {"logs/combined.log", "lila.lock", "quota"} <= set(modes), sorted(modes)
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o700 if (data / name).is_dir() else 0o600)
    }
    assert wrong == {}
