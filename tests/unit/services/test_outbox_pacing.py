"""Pacing per number, on an injected clock: the outbox over a real pool and ledger,
with time that moves only when the outbox waits (so the test measures the
outbox's own pauses, not the machine's speed)."""

from __future__ import annotations

import asyncio
import itertools
import random
from pathlib import Path

import pytest

from lila_desktop.core.outbox import MessageStatus, Pacing
from lila_desktop.services.outbox import Outbox, OutboxStore
from lila_desktop.services.quota import SqliteLedger
from tests.conftest import PoolHarness

PHONE = "51902049935"
OTHER = "51987654321"


class FakeTime:
    """Epoch seconds that advance only when someone sleeps on them."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def test_pacing_gaps_stay_within_the_interval_and_its_jitter() -> None:
    pacing = Pacing(interval=3.0)
    rng = random.Random(7)
    gaps = [pacing.gap(rng) for _ in range(1000)]
    assert min(gaps) >= 3.0 and max(gaps) <= 4.5
    assert abs(sum(gaps) / len(gaps) - pacing.mean_gap) < 0.05
    assert pacing.drain_seconds(0, None, 0.0) == 0.0
    assert pacing.drain_seconds(11, 102.0, 100.0) == pytest.approx(2.0 + 10 * 3.75)
    for bad in (-1.0, 601.0):
        with pytest.raises(ValueError, match="pause between messages"):
            Pacing(interval=bad)


@pytest.mark.asyncio
async def test_sends_of_one_number_keep_the_interval(harness: PoolHarness, tmp_path: Path) -> None:
    await harness.link(PHONE)
    fake = FakeTime()
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=100)
    outbox = Outbox(
        OutboxStore(tmp_path / "outbox.sqlite3"),
        harness.pool,
        ledger,
        pacing=Pacing(interval=5.0),
        clock=fake.clock,
        sleep=fake.sleep,
        rng=random.Random(3),
    )
    await outbox.start()
    try:
        count = 8
        ids = [(await outbox.accept(PHONE, OTHER, f"p{i}"))[0].id for i in range(count)]
        summary = await outbox.summarize(PHONE)  # a few went out meanwhile
        queued = summary.counts["queued"]
        assert queued >= 2 and summary.next_send_at is not None
        assert (queued - 1) * 5.0 <= summary.drain_seconds <= queued * 7.5
        sent_at = []
        for msg_id in ids:
            msg = await outbox.wait_settled(msg_id, 20)
            assert msg.status in (MessageStatus.SENT, MessageStatus.DELIVERED), msg
            assert msg.sent_at is not None
            sent_at.append(msg.sent_at)
        gaps = [b - a for a, b in itertools.pairwise(sent_at)]
        assert all(5.0 - 1e-6 <= g <= 7.5 + 1e-6 for g in gaps), gaps
        assert len({round(g, 3) for g in gaps}) > 1, "jitter: not one fixed beat"
    finally:
        await outbox.aclose()
        await ledger.aclose()
