"""An engine host over the simulated WhatsApp, in the test's own process, with
its output read one event at a time (send timeouts, stalls, receipts)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from lila_desktop.services import store_schema
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.host import EngineHost
from lila_desktop.services.transports.simulated import SimulatedTransport


class Output:
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


async def connected_host(
    world: SimulatedTransport, store: Path, phone: str
) -> tuple[EngineHost, Output]:
    """A host with `phone` connected on a paired store at `store`."""
    out = Output()
    host = EngineHost(world, out)  # type: ignore[arg-type]
    store_schema.make_paired_store(store, phone)
    await host.start(phone, 1, store)
    await out.until(p.EV_CONNECTED)
    return host, out
