"""Shared set-up of the API tests: a real pool (simulated transport), a real
SQLite quota ledger and the API on a real loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest_asyncio

from lila_desktop.core.settings import Settings
from lila_desktop.services.api import ApiKey, ApiServer, start_api
from lila_desktop.services.api.context import CONTEXT
from lila_desktop.services.outbox import Outbox
from lila_desktop.services.outbox.wiring import RunningOutbox, start_outbox
from lila_desktop.services.quota import SqliteLedger
from tests.conftest import PoolHarness

KEY = "test-api-key-0123456789abcdef"
PHONE = "51902049935"
OTHER = "51987654321"
QUOTA_LIMIT = 3
# No pacing in tests: their messages go out as fast as the number allows.
TEST_SETTINGS = Settings(send_interval_seconds=0)


@dataclass
class Api:
    harness: PoolHarness
    server: ApiServer
    http: aiohttp.ClientSession
    ledger: SqliteLedger
    running: RunningOutbox

    @property
    def outbox(self) -> Outbox:
        return self.running.outbox

    async def restart_outbox(self, before_start: Callable[[], None] = lambda: None) -> None:
        """Close the outbox, run `before_start` (e.g. damage its file), open it again."""
        await self.running.aclose()
        before_start()
        self.running = await start_outbox(
            self.harness.pool, self.ledger, self.harness.data_dir, TEST_SETTINGS
        )
        self.server._runner.app[CONTEXT].outbox = self.running.outbox

    @property
    def pool(self) -> Any:
        return self.harness.pool

    async def call(
        self,
        method: str,
        path: str,
        *,
        key: str | None = KEY,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> tuple[int, Any]:
        """(status, parsed JSON body) of one request."""
        hdrs = dict(headers or {})
        if key is not None:
            hdrs["x-api-key"] = key
        async with self.http.request(method, path, json=json, headers=hdrs, **kwargs) as resp:
            body = await resp.read()
            data = await resp.json() if resp.content_type == "application/json" else body
            return resp.status, data

    async def linked(self, phone: str = PHONE) -> None:
        """A number added through the API and paired by a simulated scan."""
        status, _ = await self.call("POST", "/api/sessions", json={"phoneNumber": phone})
        assert status == 201
        status, data = await self.call(
            "POST", f"/api/sessions/{phone}/simulate", json={"event": "scan"}
        )
        assert status == 200 and data["data"]["status"] == "connected", data
        await self.harness.wait(phone, lambda s: s.last_backup_at is not None)
        # The "connected" backup runs after the pairing one, on the number's worker:
        # done too (a test moving the backups folder raced it: "File exists").
        await self.pool._sessions[phone].call(_nothing)


async def _nothing() -> None:
    return None


def assert_error(status: int, data: Any, expected_status: int, code: str | None = None) -> None:
    assert status == expected_status, data
    assert data["success"] is False
    error = data["error"]
    assert error["statusCode"] == expected_status
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error


@pytest_asyncio.fixture
async def api(harness: PoolHarness, tmp_path: Path) -> AsyncIterator[Api]:
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=QUOTA_LIMIT)
    outbox = await start_outbox(harness.pool, ledger, harness.data_dir, TEST_SETTINGS)
    server = await start_api(
        harness.pool,
        ledger,
        port=0,
        api_key=ApiKey(KEY, "env", "tests"),
        data_dir=harness.data_dir,
        qr_wait=5.0,
        outbox=outbox.outbox,
    )
    # Generous: a connected number's send must answer 200 even on a loaded machine
    # (a number away answers 202 at once, without waiting).
    server._runner.app[CONTEXT].send_wait = 10.0
    handle: Api | None = None
    try:
        async with aiohttp.ClientSession(base_url=server.url) as http:
            handle = Api(harness, server, http, ledger, outbox)
            yield handle
    finally:
        await server.aclose()
        await (handle.running if handle else outbox).aclose()
        await ledger.aclose()
