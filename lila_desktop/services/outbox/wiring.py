"""Start and stop the outbox with the pool: the one call the app's runtime makes."""

from __future__ import annotations

import logging
from pathlib import Path

from lila_desktop.core.outbox import Pacing
from lila_desktop.core.quota import QuotaLedger
from lila_desktop.core.settings import Settings
from lila_desktop.services.outbox.service import Outbox, Sender
from lila_desktop.services.outbox.store import OutboxStore
from lila_desktop.services.outbox.webhooks import WebhookDispatcher

logger = logging.getLogger(__name__)

OUTBOX_FILE = Path("outbox") / "outbox.sqlite3"


class RunningOutbox:
    """The outbox and its webhook dispatcher, closed together (outbox first)."""

    def __init__(self, outbox: Outbox, webhooks: WebhookDispatcher) -> None:
        self.outbox = outbox
        self.webhooks = webhooks

    async def aclose(self) -> None:
        await self.webhooks.aclose()
        await self.outbox.aclose()


async def start_outbox(
    pool: Sender, ledger: QuotaLedger, data_dir: Path, settings: Settings
) -> RunningOutbox:
    """Open the outbox in `data_dir`, recover after a crash, start sending and
    delivering webhooks. Call after the pool started; `aclose()` before it stops."""
    store = OutboxStore(data_dir / OUTBOX_FILE)
    outbox = Outbox(store, pool, ledger, pacing=Pacing(settings.send_interval_seconds))
    await outbox.start()
    webhooks = WebhookDispatcher(store)
    outbox.subscribe(lambda _msg: webhooks.poke())
    webhooks.start()
    logger.info(
        "outbox ready (%.1f s between messages of a number)",
        outbox.pacing.interval,
        extra={"event": "outbox_ready"},
    )
    return RunningOutbox(outbox, webhooks)
