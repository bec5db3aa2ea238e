"""The real WhatsApp transport: neonize 0.5.2 (whatsmeow) behind our Protocols.

Only the engine process loads it (a Go panic aborts the whole process, hazard
3 of NEONIZE_NOTES.md); the engine configures logging and NEONIZE_BOT_TAG
before the import (12, 16), sizes the executor (4) and bounds every request
(5). This module is the engine-level side: the bounds and timings every
client uses, the one `GoLock` over neonize's shared Go maps (1, 13), the
counters the engine's recycling reads (aborted links, parked Go workers, 15)
and the store-path check (11). One client per generation: `neonize_client.py`;
what neonize's events mean: `neonize_events.py`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from lila_desktop.services.transports.base import EventSink, TransportError
from lila_desktop.services.transports.go_lock import GoLock
from lila_desktop.services.transports.neonize_client import NeonizeClient
from lila_desktop.services.transports.neonize_events import (
    KEEPALIVE_LIMIT,
    NO_ANSWER_TIMEOUT,
    PAIR_WAIT,
    PATH_BREAKERS,
    QR_TIMEOUT,
    RECONNECT_GRACE,
    SETUP_HOLD,
)

__all__ = ["NeonizeClient", "NeonizeTransport", "create_transport"]

logger = logging.getLogger(__name__)


class NeonizeTransport:
    """Builds neonize clients; one per engine process."""

    name = "neonize"

    def __init__(
        self,
        *,
        qr_timeout: float = QR_TIMEOUT,
        pair_wait: float = PAIR_WAIT,
        setup_hold: float = SETUP_HOLD,
        no_answer_timeout: float = NO_ANSWER_TIMEOUT,
        reconnect_grace: float = RECONNECT_GRACE,
        keepalive_limit: float = KEEPALIVE_LIMIT,
    ) -> None:
        if min(qr_timeout, pair_wait, setup_hold, no_answer_timeout) <= 0:
            raise ValueError(
                "qr_timeout, pair_wait, setup_hold and no_answer_timeout must be positive"
            )
        self.qr_timeout = qr_timeout
        self.pair_wait = pair_wait
        self.setup_hold = setup_hold
        self.no_answer_timeout = no_answer_timeout
        self.reconnect_grace = reconnect_grace
        self.keepalive_limit = keepalive_limit
        self.connects = 0
        self.setup_timeouts = 0
        self.aborted_links = 0  # link attempts stopped unpaired after a QR (hazard 15)
        self.go = GoLock()  # every Go call that touches neonize's shared maps
        self.lingering: set[NeonizeClient] = set()  # stopped, but Go has not returned
        self._live: set[NeonizeClient] = set()

    def create_client(
        self, phone: str, generation: int, store_path: Path, sink: EventSink
    ) -> NeonizeClient:
        if bad := sorted({ch for ch in str(store_path) if ch in PATH_BREAKERS}):
            msg = f"the WhatsApp library cannot open {store_path} (it has {' '.join(bad)})"
            raise TransportError(f"{msg}; choose a data folder without #, ? or %", "BAD_REQUEST")
        client = NeonizeClient(self, phone, generation, store_path, sink)
        self._live.add(client)
        return client

    def forget(self, client: NeonizeClient) -> None:
        self._live.discard(client)

    async def simulate(self, phone: str | None, event: str, args: dict[str, Any]) -> None:
        raise TransportError("simulation needs the simulated transport", "NOT_SUPPORTED")

    def stats(self) -> dict[str, Any]:
        return {
            "connects": self.connects,
            "clients": len(self._live),
            "aborted_links": self.aborted_links,
            "lingering": len(self.lingering),
            "setup_timeouts": self.setup_timeouts,
            "py_threads": threading.active_count(),  # executor workers parked in Go
        }

    async def aclose(self) -> None:
        for client in list(self._live):
            try:
                await client.stop()
            except Exception:
                logger.exception("stopping %s at close failed", client.phone)


def create_transport() -> NeonizeTransport:
    return NeonizeTransport()
