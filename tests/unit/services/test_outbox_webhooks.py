"""Webhooks: signed POSTs of every state change to a real loopback receiver,
retried with backoff, kept across a restart of the outbox; private addresses
only when allowed explicitly."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from lila_desktop.services.outbox.webhooks import (
    EVENT_HEADER,
    SIGNATURE_HEADER,
    WebhookRefused,
    backoff,
    check_url,
    verify,
)
from tests.unit.services.api_support import OTHER, PHONE, Api, api, assert_error

__all__ = ["api"]

SEND = f"/api/messages/{PHONE}/text"


@dataclass
class Receiver:
    url: str
    status: int = 200  # what it answers
    got: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, predicate: Callable[[], bool], timeout: float = 15) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self.changed.clear()
                await self.changed.wait()

    def accepted(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body, status in self.got if status == 200]


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box: list[Receiver] = []

    async def handle(request: web.Request) -> web.Response:
        rec = box[0]
        body = await request.read()
        rec.got.append((dict(request.headers), body, rec.status))
        rec.changed.set()
        return web.Response(status=rec.status)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    box.append(Receiver(f"http://127.0.0.1:{port}/hook"))
    try:
        yield box[0]
    finally:
        await runner.cleanup()


def test_urls_and_backoff() -> None:
    for bad in ("ftp://x.example/", "not a url", "https://user:pw@x.example/", 5, "x" * 3000):
        with pytest.raises(WebhookRefused):
            check_url(bad)
    assert check_url(" https://shop.example/hook ") == "https://shop.example/hook"
    rng = random.Random(1)
    delays = [backoff(n, rng) for n in range(1, 12)]
    assert 0.8 <= delays[0] <= 1.2 and delays[-1] <= 300 * 1.2
    assert all(b >= a * 0.6 for a, b in itertools.pairwise(delays))


@pytest.mark.asyncio
async def test_private_addresses_need_an_explicit_allowance(api: Api, receiver: Receiver) -> None:
    status, data = await api.call("PUT", "/api/webhook", json={"url": receiver.url})
    assert_error(status, data, 400, "INVALID_WEBHOOK")
    assert "private" in data["error"]["message"]
    status, data = await api.call("PUT", "/api/webhook", json={"url": "gopher://x"})
    assert_error(status, data, 400, "INVALID_WEBHOOK")
    status, data = await api.call(
        "PUT", "/api/webhook", json={"url": receiver.url, "allowPrivate": "yes"}
    )
    assert_error(status, data, 400)
    status, data = await api.call("GET", "/api/webhook")
    assert status == 200 and data["data"]["configured"] is False


@pytest.mark.asyncio
async def test_each_state_change_is_posted_signed(api: Api, receiver: Receiver) -> None:
    status, data = await api.call(
        "PUT", "/api/webhook", json={"url": receiver.url, "allowPrivate": True}
    )
    assert status == 200, data
    secret = data["data"]["secret"]
    await api.linked()
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "Listo"})
    msg_id = data["data"]["id"]

    def kinds() -> list[str]:
        return [e["type"] for e in receiver.accepted() if e["data"]["id"] == msg_id]

    await receiver.wait(lambda: "message.delivered" in kinds())
    assert kinds()[:3] == ["message.queued", "message.sending", "message.sent"]
    for headers, body, _ in receiver.got:
        # As a receiver checks it, with nothing of ours: HMAC-SHA256 of the raw body.
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER] == expected
        assert verify(secret, body, headers[SIGNATURE_HEADER])
        assert not verify(secret, body + b" ", headers[SIGNATURE_HEADER])
        assert headers[EVENT_HEADER] == json.loads(body)["id"]
    assert len({e["id"] for e in receiver.accepted()}) == len(receiver.accepted())
    status, data = await api.call("GET", "/api/webhook")
    assert data["data"]["configured"] is True and "secret" not in data["data"]


@pytest.mark.asyncio
async def test_failed_deliveries_are_retried_after_a_restart(api: Api, receiver: Receiver) -> None:
    await api.call("PUT", "/api/webhook", json={"url": receiver.url, "allowPrivate": True})
    await api.linked()
    receiver.status = 503  # the owner's server is down
    _, data = await api.call("POST", SEND, json={"to": OTHER, "text": "Reintento"})
    await receiver.wait(lambda: len(receiver.got) >= 2)
    refused = {json.loads(body)["id"] for _, body, _ in receiver.got}
    await api.restart_outbox()  # the app restarts while the server is still down
    receiver.status = 200
    await receiver.wait(lambda: refused <= {e["id"] for e in receiver.accepted()})
    status, data = await api.call("DELETE", "/api/webhook")
    assert status == 200
    status, data = await api.call("GET", "/api/webhook")
    assert data["data"] == {"configured": False, "pendingEvents": 0}
