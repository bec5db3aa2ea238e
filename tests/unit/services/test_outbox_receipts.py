"""A receipt that beats the send's own answer: over a real pool (simulated
WhatsApp), the real ledger and the real outbox database.

whatsmeow hands receipts to Python on its event thread and a send's answer on
the caller's: a fast phone's "delivered" can reach the outbox before the
outbox has written the message as sent with WhatsApp's id (a busy laptop's
disk makes that window wider). Such a receipt must wait for its message, not
be dropped (it was: a flake in the suite under load, and on a real laptop a
message stuck at "sent" for good)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from lila_desktop.core.outbox import MessageStatus
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.services.outbox import Outbox, OutboxStore
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.quota import SqliteLedger
from lila_desktop.services.transports.base import SendResult
from tests.conftest import PoolHarness

PHONE = "51902049935"
OTHER = "51987654321"

pytestmark = pytest.mark.asyncio


class ReceiptFirst:
    """The pool, except that each send's receipts reach the outbox before the
    send returns (and the pool's own later receipts do not reach it at all)."""

    def __init__(self, pool: SessionPool, kinds: tuple[str, ...]) -> None:
        self.pool = pool
        self.kinds = kinds
        self._receipts: list[Callable[[str, list[str], str], None]] = []

    def snapshot(self, phone: str) -> SessionSnapshot:
        return self.pool.snapshot(phone)

    def subscribe(self, callback: Callable[[SessionSnapshot], None]) -> Callable[[], None]:
        return self.pool.subscribe(callback)

    def subscribe_receipts(
        self, callback: Callable[[str, list[str], str], None]
    ) -> Callable[[], None]:
        self._receipts.append(callback)
        return lambda: self._receipts.remove(callback)

    async def send_text(self, phone: str, to: str, text: str) -> SendResult:
        result = await self.pool.send_text(phone, to, text)
        before = asyncio.all_tasks()
        for kind in self.kinds:
            for callback in self._receipts:
                callback(phone, [result.message_id], kind)
        # The outbox looks each receipt up now, while the message is still
        # "sending" on disk: the send answers only once those lookups are done.
        handling = asyncio.all_tasks() - before
        if handling:
            await asyncio.wait(handling, timeout=10)  # a bound on failure only
        return result


@pytest.mark.parametrize(
    ("kinds", "ending"),
    [
        (("delivered",), MessageStatus.DELIVERED),
        (("delivered", "read"), MessageStatus.READ),
        (("read", "delivered"), MessageStatus.READ),  # never back from read
    ],
)
async def test_a_receipt_before_the_send_is_recorded_still_moves_the_message(
    harness: PoolHarness, tmp_path: Path, kinds: tuple[str, ...], ending: MessageStatus
) -> None:
    await harness.link(PHONE)
    sender = ReceiptFirst(harness.pool, kinds)
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=100)
    outbox = Outbox(OutboxStore(tmp_path / "outbox.sqlite3"), sender, ledger)
    await outbox.start()
    changed = asyncio.Event()
    outbox.subscribe(lambda _m: changed.set())
    try:
        msg, _ = await outbox.accept(PHONE, OTHER, "¿Llegó?")
        async with asyncio.timeout(20):  # a bound on failure, not a timing claim
            while (now := await outbox.get(msg.id)).status is not ending:
                await changed.wait()
                changed.clear()
        assert now.wa_id and now.sent_at is not None
        assert now.delivered_at is not None or now.read_at is not None
    finally:
        await outbox.aclose()
        await ledger.aclose()
