"""The API's guards: loopback binding, Host (DNS rebinding), Origin, no CORS,
the API key on every protected route, body size and type, path traversal."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import pytest

from lila_desktop.services.api import ApiStartError, start_api
from lila_desktop.services.api.middleware import OPEN_ROUTES
from lila_desktop.services.api.server import openapi_bytes
from lila_desktop.services.api.validation import MAX_BODY
from tests.unit.services.api_support import KEY, PHONE, Api, api, assert_error

__all__ = ["api"]
pytestmark = pytest.mark.asyncio


def _operations() -> list[tuple[str, str]]:
    doc = json.loads(openapi_bytes())
    return [(m.upper(), p) for p, ops in doc["paths"].items() for m in ops]


PROTECTED = [op for op in _operations() if op not in OPEN_ROUTES]


def _concrete(path: str) -> str:
    return path.replace("{phone}", PHONE).replace("{id}", "msg_0123456789abcdef")


async def _raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send raw bytes (requests aiohttp's client would never send); (status, body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def test_open_routes_are_exactly_the_four_of_the_issue() -> None:
    assert {
        ("GET", "/health"),
        ("GET", "/api/sessions"),
        ("GET", "/api/sessions/list"),
        ("GET", "/api/sessions/{phone}/status"),
    } == OPEN_ROUTES
    assert len(PROTECTED) == len(_operations()) - 4


async def test_listens_on_loopback_only(api: Api) -> None:
    assert api.server.url == f"http://127.0.0.1:{api.server.port}"
    others = [
        a.address
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family == socket.AF_INET and not a.address.startswith("127.")
    ]
    if not others:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError):
        await asyncio.wait_for(asyncio.open_connection(others[0], api.server.port), 5)


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_every_protected_route_needs_the_key(api: Api, method: str, path: str) -> None:
    status, data = await api.call(method, _concrete(path), key=None, json={})
    assert_error(status, data, 401, "API_KEY_REQUIRED")
    for wrong in ("wrong", KEY[:-1], KEY + "x", KEY.upper(), ""):
        status, data = await api.call(method, _concrete(path), key=wrong, json={})
        assert_error(status, data, 401, "INVALID_API_KEY")
    assert not api.pool.snapshots(), "nothing ran without the key"


@pytest.mark.parametrize(("method", "path"), sorted(OPEN_ROUTES))
async def test_open_routes_need_no_key(api: Api, method: str, path: str) -> None:
    await api.linked()
    status, data = await api.call(method, _concrete(path), key=None)
    assert status == 200 and data["success"] is True


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:3001",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "127.0.0.2",
        "[::2]",
        "192.168.1.10:3001",
        "localhost:abc",
        "localhost:3001:1",
        "",
    ],
)
async def test_wrong_host_is_403_even_on_open_routes(api: Api, host: str) -> None:
    for path in ("/health", f"/api/sessions/{PHONE}/status", "/api/sessions"):
        status, data = await api.call("GET", path, headers={"Host": host})
        assert_error(status, data, 403, "FORBIDDEN_HOST")


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:3001", "127.0.0.1:1", "[::1]:3001"])
async def test_loopback_hosts_are_served(api: Api, host: str) -> None:
    status, _ = await api.call("GET", "/health", headers={"Host": host})
    assert status == 200


async def test_missing_host_header_is_403(api: Api) -> None:
    status, body = await _raw(api.server.port, b"GET /health HTTP/1.0\r\n\r\n")
    assert status == 403 and json.loads(body)["error"]["code"] == "FORBIDDEN_HOST"


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "https://localhost.evil.example"]
)
async def test_foreign_origins_are_403(api: Api, origin: str) -> None:
    status, data = await api.call("GET", "/health", headers={"Origin": origin})
    assert_error(status, data, 403, "FORBIDDEN_ORIGIN")
    status, data = await api.call(
        "POST", "/api/sessions", json={"phoneNumber": PHONE}, headers={"Origin": origin}
    )
    assert_error(status, data, 403, "FORBIDDEN_ORIGIN")
    assert not api.pool.snapshots()


async def test_no_cors_anywhere(api: Api) -> None:
    preflight = {
        "Origin": "http://localhost:8080",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key",
    }
    async with api.http.options("/api/sessions", headers=preflight) as resp:
        assert resp.status == 405
        assert not [h for h in resp.headers if h.lower().startswith("access-control-")]
    async with api.http.get("/health", headers={"Origin": "http://localhost:8080"}) as resp:
        assert resp.status == 200
        assert not [h for h in resp.headers if h.lower().startswith("access-control-")]
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


async def test_oversized_body_with_length_is_413_before_reading(api: Api) -> None:
    body = json.dumps({"phoneNumber": PHONE, "name": "x" * MAX_BODY}).encode()
    async with api.http.post(
        "/api/sessions",
        data=body,
        headers={"x-api-key": KEY, "Content-Type": "application/json"},
    ) as resp:
        data = await resp.json()
    assert_error(resp.status, data, 413, "PAYLOAD_TOO_LARGE")
    assert not api.pool.snapshots()


async def test_oversized_chunked_body_is_413(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"phoneNumber": "51902049935", "name": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    async with api.http.post(
        "/api/sessions",
        data=chunks(),
        headers={"x-api-key": KEY, "Content-Type": "application/json"},
    ) as resp:
        data = await resp.json()
    assert_error(resp.status, data, 413, "PAYLOAD_TOO_LARGE")
    assert not api.pool.snapshots()


async def test_oversized_body_on_an_unknown_route_without_key_is_refused(api: Api) -> None:
    async with api.http.post("/api/sessions/x/y/z", data=b"x" * (MAX_BODY + 1)) as resp:
        assert resp.status in (404, 413)


@pytest.mark.parametrize(
    ("raw", "ctype", "status", "code"),
    [
        (b'{"phoneNumber": "51902049935"', "application/json", 400, "INVALID_JSON"),
        (b"[" * 60000, "application/json", 400, "INVALID_JSON"),
        (b'{"phoneNumber": NaN}', "application/json", 400, "INVALID_JSON"),
        (b'"51902049935"', "application/json", 400, "INVALID_JSON"),
        (b"[1, 2]", "application/json", 400, "INVALID_JSON"),
        (b'{"phoneNumber": "\xff\xfe"}', "application/json", 400, "INVALID_JSON"),
        (b'{"phoneNumber": "51902049935"}', "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"phoneNumber=51902049935", "application/x-www-form-urlencoded", 415, None),
    ],
)
async def test_bodies_must_be_json_objects(
    api: Api, raw: bytes, ctype: str, status: int, code: str | None
) -> None:
    async with api.http.post(
        "/api/sessions", data=raw, headers={"x-api-key": KEY, "Content-Type": ctype}
    ) as resp:
        data = await resp.json()
    assert_error(resp.status, data, status, code)
    assert not api.pool.snapshots()


def _tree(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


async def test_traversal_never_reaches_the_file_system(api: Api, tmp_path: Path) -> None:
    before = _tree(tmp_path)
    attempts = [
        ("GET", "/api/sessions/..%2F..%2F..%2Fetc%2Fpasswd/backups"),
        ("POST", "/api/sessions/..%2F..%2Ftmp/backups"),
        ("DELETE", "/api/sessions/..%2F..%2Fdata?deleteBackups=true"),
        ("GET", "/api/sessions/%2e%2e/status"),
        ("POST", "/api/sessions/51902049935%2F..%2F..%2Fx/restore"),
    ]
    for method, path in attempts:
        status, data = await api.call(method, path)
        assert status in (400, 404), (path, data)
        assert data["success"] is False
    for body in ({"phoneNumber": "../../../etc"}, {"phoneNumber": "51902049935/../../x"}):
        status, _ = await api.call("POST", "/api/sessions", json=body)
        assert status == 400
    status, raw = await _raw(
        api.server.port,
        b"GET /api/sessions/../../../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n"
        b"x-api-key: " + KEY.encode() + b"\r\nConnection: close\r\n\r\n",
    )
    assert status in (400, 404) and b"root:" not in raw
    after = _tree(tmp_path)
    assert after == before, "no request created or removed any file"


async def test_unknown_routes_and_methods_use_the_error_shape(api: Api) -> None:
    status, data = await api.call("GET", "/api/nothing")
    assert_error(status, data, 404, "NOT_FOUND")
    status, data = await api.call("PUT", "/api/sessions")
    assert_error(status, data, 405, "METHOD_NOT_ALLOWED")
    status, data = await api.call("HEAD", "/health")
    assert status == 405


async def test_a_taken_port_is_a_clear_error(api: Api) -> None:
    with pytest.raises(ApiStartError, match="already in use"):
        await start_api(
            api.pool, api.ledger, port=api.server.port, api_key=KEY, data_dir=api.harness.data_dir
        )
