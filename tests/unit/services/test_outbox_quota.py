"""Quotas through the outbox, the same with both ledgers: the local SQLite one and
the company portal's MongoDB (a real wire-protocol server): reserved on accept,
counted once sent, given back on cancel and expiry; an accepted message is never
refused later for quota."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lila_desktop.core.outbox import RESERVATION_TTL, MessageStatus
from lila_desktop.core.quota import QuotaExceeded, QuotaLedger
from lila_desktop.core.settings import Settings
from lila_desktop.services.outbox.wiring import start_outbox
from lila_desktop.services.quota import MongoLedger, SqliteLedger
from tests.conftest import PoolHarness
from tests.unit.services.test_quota_mongo import FakePortal, company, fast_client, usage

pytestmark = pytest.mark.asyncio

PHONE = "51902049935"  # the sender the portal's company document names
OTHER = "51987654321"
LIMIT = 3


def local(tmp: Path) -> tuple[QuotaLedger, Callable[[], int], Callable[[], None]]:
    ledger = SqliteLedger(tmp / "quota.sqlite3", limit=LIMIT, reservation_ttl=RESERVATION_TTL)
    return ledger, lambda: ledger._status().used + ledger._status().reserved, lambda: None


def portal(tmp: Path) -> tuple[QuotaLedger, Callable[[], int], Callable[[], None]]:
    doc = company(sender="+" + PHONE, limit=LIMIT)
    server = FakePortal([doc])
    server.start()
    ledger = MongoLedger(
        server.uri,
        outbox_path=tmp / "portal-outbox.sqlite3",
        client_factory=fast_client,
        reservation_ttl=RESERVATION_TTL,
    )
    return ledger, lambda: usage(server, doc), server.stop


@pytest.mark.parametrize("make", [local, portal], ids=["local", "portal"])
async def test_units_follow_the_messages_with_either_ledger(
    harness: PoolHarness, tmp_path: Path, make: Any
) -> None:
    ledger, taken, stop = make(tmp_path)
    await harness.link(PHONE)
    running = await start_outbox(
        harness.pool, ledger, harness.data_dir, Settings(send_interval_seconds=0)
    )
    outbox = running.outbox
    try:
        await harness.pool.simulate(None, "network_down", {})
        await harness.wait(PHONE, lambda s: not s.is_connected)
        keep, _ = await outbox.accept(PHONE, OTHER, "sale")
        drop, _ = await outbox.accept(PHONE, OTHER, "se cancela")
        late, _ = await outbox.accept(PHONE, OTHER, "caduca", ttl=1)
        assert taken() == LIMIT, "each accepted message holds its unit"
        with pytest.raises(QuotaExceeded):
            await outbox.accept(PHONE, OTHER, "no cabe")
        await outbox.cancel(drop.id)
        assert (await outbox.wait_settled(late.id, 10)).status is MessageStatus.EXPIRED
        assert taken() == 1, "cancelled and expired units are given back"
        await harness.pool.simulate(None, "network_up", {})
        assert (await outbox.wait_settled(keep.id, 20)).status in (
            MessageStatus.SENT,
            MessageStatus.DELIVERED,
        )
        assert taken() == 1, "the one that went out counts once"
    finally:
        await running.aclose()
        await ledger.aclose()
        stop()
