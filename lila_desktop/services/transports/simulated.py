"""A deterministic, in-process stand-in for WhatsApp, with fault injection.

It runs inside the engine process exactly where neonize would, writes real
whatsmeow-schema SQLite stores (so the vault and backups work on the same
code path), rotates QR codes like WhatsApp (60 s, then 20 s each, six codes),
and injects every failure of the policy table on command (`simulate`).
Its parts: the world's state (`simulated_world.py`), one client per
connection attempt (`simulated_client.py`), the faults (`simulated_faults.py`).

Time runs `LILA_SIM_TIME_SCALE` times real time (tests use a small scale so a
QR expires in a fraction of a second); codes come from a seeded RNG
(`LILA_SIM_SEED`), so runs are reproducible.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lila_desktop.services.transports.base import EventSink
from lila_desktop.services.transports.simulated_client import QR_TIMEOUTS, SimulatedClient
from lila_desktop.services.transports.simulated_faults import (
    LOGOUT_CODES,
    TRANSIENT_CODES,
    inject,
)
from lila_desktop.services.transports.simulated_world import SimWorld, env_float

__all__ = [
    "LOGOUT_CODES",
    "QR_TIMEOUTS",
    "TRANSIENT_CODES",
    "SimulatedClient",
    "SimulatedTransport",
    "create_transport",
]


class SimulatedTransport(SimWorld):
    name = "simulated"

    def create_client(
        self, phone: str, generation: int, store_path: Path, sink: EventSink
    ) -> SimulatedClient:
        client = SimulatedClient(self, phone, generation, store_path, sink)
        self.clients[phone] = client
        return client

    def stats(self) -> dict[str, Any]:
        return {
            "connects": self.connects,
            "clients": len(self.clients),
            "aborted_links": self.aborted_links,
        }

    async def aclose(self) -> None:
        for client in list(self.clients.values()):
            await client.stop()

    async def simulate(self, phone: str | None, event: str, args: dict[str, Any]) -> None:
        """Inject one fault or a scan; see protocol.SIM_EVENTS."""
        await inject(self, phone, event, args)


def create_transport() -> SimulatedTransport:
    return SimulatedTransport(
        time_scale=env_float("LILA_SIM_TIME_SCALE", 1.0),
        seed=int(os.environ.get("LILA_SIM_SEED", "1")),
    )
