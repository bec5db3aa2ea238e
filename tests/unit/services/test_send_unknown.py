"""Hazard 17: a send that outlives the engine's bound is "unknown", never "failed".

The Go send keeps running after the engine stops waiting, so the message may
still arrive; calling it failed invites a retry that sends it twice. The
simulated WhatsApp behaves the same way (a send under way runs to its end).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lila_desktop.services.engine import host as host_module
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.transports.base import TransportError
from lila_desktop.services.transports.simulated import SimulatedTransport
from tests.unit.services.engine_output import connected_host

pytestmark = pytest.mark.asyncio
PHONE = "51904000001"


async def test_a_send_past_the_bound_is_unknown_and_still_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(host_module, "CALL_TIMEOUT", 0.2)
    world = SimulatedTransport(time_scale=0.01)
    host, _ = await connected_host(world, tmp_path / "store.db", PHONE)
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
