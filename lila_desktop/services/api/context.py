"""What every handler needs: the pool, the quota ledger, the outbox and the API's settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from lila_desktop.core.quota import QuotaLedger
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.services.outbox import Outbox
from lila_desktop.services.pool import SessionPool


@dataclass
class ApiContext:
    pool: SessionPool
    ledger: QuotaLedger
    qr_wait: float = 20.0  # how long POST /api/sessions waits for the first QR
    effect_wait: float = 5.0  # how long /simulate waits for the event to show
    started_at: float = field(default_factory=time.monotonic)
    outbox: Outbox | None = None  # every message goes through it (None: not started)
    send_wait: float = 3.0  # how long a send answers 200 "sent" rather than 202 "queued"

    async def settle(
        self, phone: str, predicate: Callable[[SessionSnapshot], bool], seconds: float
    ) -> SessionSnapshot:
        """The snapshot once `predicate` holds, or the current one after `seconds`."""
        try:
            return await self.pool.wait_for(phone, predicate, seconds)
        except TimeoutError:
            return self.pool.snapshot(phone)


CONTEXT = web.AppKey("lila_api_context", ApiContext)


def context(request: web.Request) -> ApiContext:
    return request.app[CONTEXT]


__all__ = ["CONTEXT", "ApiContext", "context"]
