"""Answers the API owes since issue 13: names without control characters, and
every error (the router's own 404/405 included) in the envelope with the
security headers."""

from __future__ import annotations

import pytest

from tests.unit.services.api_support import OTHER, PHONE, Api, api, assert_error

__all__ = ["api"]
pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("name", ["Caja\n[ERROR] forged line", "\x1b[2J", "a\u202eb"])
async def test_a_name_with_control_characters_is_refused(api: Api, name: str) -> None:
    status, data = await api.call(
        "POST", "/api/sessions", json={"phoneNumber": OTHER, "name": name}
    )
    assert_error(status, data, 400, "INVALID_NAME")
    assert "control character" in data["error"]["message"]
    assert OTHER not in api.pool  # nothing was added
    await api.linked(PHONE)
    status, data = await api.call(
        "POST", "/api/sessions", json={"phoneNumber": PHONE, "name": name}
    )
    assert_error(status, data, 400, "INVALID_NAME")
    assert api.pool.snapshot(PHONE).name == ""


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [("GET", "/nowhere", 404), ("PUT", "/api/sessions", 405), ("POST", "/health", 405)],
)
async def test_router_errors_use_the_envelope_and_headers(
    api: Api, method: str, path: str, expected: int
) -> None:
    async with api.http.request(method, path, headers={"x-api-key": "x" * 20}) as resp:
        data = await resp.json()
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert_error(resp.status, data, expected)
