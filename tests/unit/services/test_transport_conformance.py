"""The simulated WhatsApp against the real one: the same scenarios, the same answers.

Every scenario here runs on both transports through the real engine process
(`--transport neonize|simulated`), where the real library can reach it
offline: the network is down (DNS fails here; the simulator is told
`network_down`). What the pool sees must not depend on which one runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from lila_desktop.services import store_schema
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient, EngineError

pytestmark = [pytest.mark.asyncio, pytest.mark.neonize]
TRANSPORTS = ["neonize", "simulated"]


class Engine:
    def __init__(self, transport: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self.client = EngineClient(transport, on_event=self._on_event, on_died=lambda _r: None)

    def _on_event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        self._arrived.set()

    async def first_event(self, phone: str, gen: int) -> dict[str, Any]:
        async with asyncio.timeout(15):
            while True:
                for message in self.events:
                    if message.get("phone") == phone and message.get("gen") == gen:
                        return message
                self._arrived.clear()
                await self._arrived.wait()

    def of(self, phone: str, gen: int) -> list[str]:
        return [m["ev"] for m in self.events if m.get("phone") == phone and m.get("gen") == gen]

    async def refusal(self, op: str, **args: Any) -> str:
        try:
            await self.client.request(op, **args)
        except EngineError as exc:
            return exc.code
        return "ACCEPTED"


@pytest_asyncio.fixture(params=TRANSPORTS)
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[Engine]:
    engine = Engine(request.param)
    await engine.client.start()
    if request.param == "simulated":
        await engine.client.request(p.OP_SIMULATE, phone=None, event="network_down", args={})
    try:
        yield engine
    finally:
        await asyncio.wait_for(engine.client.aclose(), 30)


@pytest.mark.parametrize("paired", [False, True], ids=["new-number", "paired"])
async def test_an_offline_first_dial_fails_once_without_a_qr(
    engine: Engine, tmp_path: Path, paired: bool
) -> None:
    phone = "51905000001"
    store = tmp_path / "store.db"
    if paired:
        store_schema.make_paired_store(store, phone)
    await engine.client.request(p.OP_START, phone=phone, gen=1, store=str(store))
    first = await engine.first_event(phone, 1)
    assert first["ev"] == p.EV_CONNECT_FAILURE and first["code"] is None
    assert "web.whatsapp.com" in first["message"]
    # Nothing was asked of the phone, and the store (and any device in it) is kept.
    assert await engine.refusal(p.OP_PAIR_PHONE, phone=phone) == "NOT_PAIRING"
    assert await engine.refusal(p.OP_SEND_TEXT, phone=phone, to="51911111111", text="x") == (
        "NOT_CONNECTED"
    )
    assert await engine.refusal(p.OP_LOGOUT, phone=phone) == "NOT_CONNECTED"
    await engine.client.request(p.OP_STOP, phone=phone)
    assert p.EV_QR not in engine.of(phone, 1)
    assert store_schema.has_device(store) is paired


async def test_stop_silences_the_generation_and_frees_the_number(
    engine: Engine, tmp_path: Path
) -> None:
    phone = "51905000002"
    await engine.client.request(p.OP_START, phone=phone, gen=1, store=str(tmp_path / "a.db"))
    await engine.client.request(p.OP_STOP, phone=phone)
    seen = len(engine.of(phone, 1))
    await engine.client.request(p.OP_START, phone=phone, gen=2, store=str(tmp_path / "a.db"))
    await engine.first_event(phone, 2)  # the next generation speaks ...
    assert len(engine.of(phone, 1)) == seen  # ... the stopped one never again
    await engine.client.request(p.OP_STOP, phone=phone)
    assert await engine.refusal(p.OP_SEND_TEXT, phone=phone, to="51911111111", text="x") == (
        "NOT_RUNNING"
    )
    stats = await engine.client.request(p.OP_STATS)
    assert stats["clients"] == 0 and stats["connects"] == 2
    assert stats["aborted_links"] == 0  # no QR was ever shown: nothing leaked
