"""Hazard 17: a send that outlives the engine's bound is "unknown", never "failed".

The Go send keeps running after the engine stops waiting, so the message may
still arrive; calling it failed invites a retry that sends it twice. The
simulated WhatsApp behaves the same way (a send under way runs to its end).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from lila_desktop.services import store_schema
from lila_desktop.services.engine import host as host_module
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.host import EngineHost
from lila_desktop.services.transports.base import TransportError
from lila_desktop.services.transports.simulated import SimulatedTransport

pytestmark = pytest.mark.asyncio
PHONE = "51904000001"


class Events:
    """The engine's output, one event at a time."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def write(self, data: bytes) -> None:
        for line in data.splitlines():
            self.queue.put_nowait(json.loads(line))

    def flush(self) -> None:
        pass

    async def until(self, name: str) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.queue.get(), 10)
            if message.get("ev") == name:
                return message


async def test_a_send_past_the_bound_is_unknown_and_still_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(host_module, "CALL_TIMEOUT", 0.2)
    world = SimulatedTransport(time_scale=0.01)
    events = Events()
    host = EngineHost(world, events)  # type: ignore[arg-type]
    store = tmp_path / "store.db"
    store_schema.make_paired_store(store, PHONE)
    await host.start(PHONE, 1, store)
    await events.until(p.EV_CONNECTED)
    await world.simulate(PHONE, "slow_send", {"seconds": 0.6})
    with pytest.raises(TransportError) as refused:
        await host._dispatch(p.OP_SEND_TEXT, {"phone": PHONE, "to": "51911111111", "text": "hola"})
    assert refused.value.code == "SEND_UNKNOWN"
    assert "may still be delivered" in str(refused.value)
    assert world.sent == []  # not yet ...
    await asyncio.wait_for(asyncio.gather(*world.deliveries), 5)
    assert world.sent == [(PHONE, "51911111111", "hola")]  # ... but it arrives
    await world.simulate(PHONE, "slow_send", {"seconds": 0})
    sent = await host._dispatch(p.OP_SEND_TEXT, {"phone": PHONE, "to": "51911111111", "text": "ok"})
    assert sent["message_id"]
    await host.shutdown()
