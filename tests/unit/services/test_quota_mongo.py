"""The MongoDB portal ledger over real sockets, against mockupdb.

`FakePortal` (bench/harness/portal.py) serves MongoDB's wire protocol and
evaluates exactly the operators the ledger sends, which makes the counting
assertions real: a double count shows up in the document. Faults are
injected per command. test_quota_mongo_real.py runs against a real server.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bench.harness.portal import SENDER, FakePortal, company, fast_client, usage
from lila_desktop.core.quota import (
    CircuitBreaker,
    CompanyNotFound,
    QuotaExceeded,
    QuotaUnavailable,
)
from lila_desktop.services.quota import MongoLedger

__all__ = ["FakePortal", "company", "fast_client", "usage"]  # also for the UI send tests


@pytest.fixture
def acme() -> dict[str, Any]:
    return company()


@pytest.fixture
def portal(acme: dict[str, Any]) -> Iterator[FakePortal]:
    p = FakePortal([acme])
    p.start()
    yield p
    p.stop()
    assert not p.errors


RESET_AFTER = 0.3  # the breaker's, in the tests


class SkipClock:
    """The breaker's monotonic clock: real time (or a fixed start) plus what a test skips.

    Waiting out `reset_after` is then a skip, not a sleep.
    """

    def __init__(self, start: float | None = None) -> None:
        self.start = start
        self.skipped = 0.0

    def __call__(self) -> float:
        base = time.monotonic() if self.start is None else self.start
        return base + self.skipped

    def skip(self, seconds: float) -> None:
        self.skipped += seconds


def skip_reset_after(led: MongoLedger) -> None:
    """Move the breaker's clock past `reset_after`: the next flush may probe."""
    clock = led._monotonic
    assert isinstance(clock, SkipClock), "build the ledger with make_ledger"
    clock.skip(RESET_AFTER + 0.05)


def make_ledger(portal: FakePortal, tmp_path: Path, **kw: Any) -> MongoLedger:
    kw.setdefault("client_factory", fast_client)
    kw.setdefault("op_timeout", 1.0)
    kw.setdefault("breaker", CircuitBreaker(failure_threshold=1, reset_after=RESET_AFTER))
    kw.setdefault("monotonic", SkipClock())
    kw.setdefault("status_max_age", 0.0)
    return MongoLedger(portal.uri, outbox_path=tmp_path / "outbox.sqlite3", **kw)


@pytest_asyncio.fixture
async def ledger(portal: FakePortal, tmp_path: Path) -> AsyncIterator[MongoLedger]:
    led = make_ledger(portal, tmp_path)
    yield led
    await led.aclose()


async def wait_reachable(led: MongoLedger, timeout: float = 10.0) -> None:
    """Flush until the portal answers again (each flush carries the breaker's probe)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        skip_reset_after(led)
        await led.flush()
        if led.portal_reachable:
            return
    raise AssertionError("the portal never came back")


# --- lookups and counting -----------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("stored", ["+" + SENDER, SENDER])
async def test_lookup_by_sender_with_or_without_plus(tmp_path: Path, stored: str) -> None:
    other = company(sender="+51999999999")
    inactive = company(sender=stored, active=False)
    target = company(sender=stored, limit=50, used=7)
    portal = FakePortal([inactive, other, target])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            s = await led.status("+" + SENDER)
    finally:
        portal.stop()
    assert (s.company_id, s.limit, s.used, s.remaining) == ("acme", 50, 7, 43)
    assert s.source == "portal" and s.portal_reachable and not s.stale
    (lookup,) = [f for f in portal.calls("find") if "whatsappConfig.sender" in f["filter"]]
    assert lookup["filter"] == {
        "whatsappConfig.sender": {"$in": [SENDER, "+" + SENDER]},
        "isActive": True,
    }
    assert "lilaAppliedKeys" not in lookup["projection"]  # the key list stays in the portal


@pytest.mark.asyncio
async def test_lookup_by_configured_company_id(tmp_path: Path) -> None:
    a, b = company(sender="+1"), company(sender="+2")
    b["companyId"] = "shop-7"
    portal = FakePortal([a, b])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path, company_id="shop-7") as led:
            await led.reserve(SENDER, "m1")
    finally:
        portal.stop()
    assert usage(portal, b) == 1 and usage(portal, a) == 0
    assert portal.calls("find")[0]["filter"] == {"companyId": "shop-7", "isActive": True}


@pytest.mark.asyncio
async def test_unknown_or_ambiguous_sender_is_explained(tmp_path: Path) -> None:
    portal = FakePortal([company(sender="+111111111"), company(), company(sender=SENDER)])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            with pytest.raises(CompanyNotFound, match="Several active companies"):
                await led.reserve(SENDER, "m1")
            with pytest.raises(CompanyNotFound, match="No active company") as info:
                await led.reserve("51900000000", "m2")
            assert info.value.code == "WHATSAPP_COMPANY_NOT_FOUND"
            assert led.portal_reachable  # the portal answered; it is not an outage
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_reserve_increments_with_inc_and_commit_costs_no_round_trip(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    s = await ledger.reserve(SENDER, "m1")
    assert (s.used, s.reserved, s.remaining) == (0, 1, 9)
    assert usage(portal, acme) == 1  # counted in the portal at once: laptops share it
    (fam,) = portal.calls("findAndModify")
    assert fam["update"]["$inc"] == {"subscription.usage.whatsappMessages": 1}
    assert fam["query"]["lilaAppliedKeys"] == {"$ne": "m1"}
    before = len(portal.log)
    s = await ledger.commit(SENDER, "m1")
    assert len(portal.log) == before
    assert (s.used, s.reserved, s.remaining) == (1, 0, 9)
    s = await ledger.reserve(SENDER, "m1")  # a retry
    assert usage(portal, acme) == 1
    assert portal.doc(acme["_id"])["lilaAppliedKeys"] == ["m1"]


@pytest.mark.asyncio
async def test_over_quota_is_refused_by_the_portal(tmp_path: Path) -> None:
    full = company(limit=3, used=2)
    portal = FakePortal([full])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            await led.reserve(SENDER, "last")
            with pytest.raises(QuotaExceeded) as info:
                await led.reserve(SENDER, "one-too-many")
            assert info.value.code == "WHATSAPP_QUOTA_EXCEEDED"
            assert info.value.status.remaining == 0 and not info.value.status.stale
            assert usage(portal, full) == 3
            await led.release(SENDER, "last")  # that send failed: refunded in the portal
            assert usage(portal, full) == 2
            assert "last" not in portal.doc(full["_id"])["lilaAppliedKeys"]
            assert (await led.reserve(SENDER, "again")).remaining == 0
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_missing_limit_means_the_portal_default(tmp_path: Path) -> None:
    portal = FakePortal([company(limit=None, used=4)])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            assert (await led.status(SENDER)).limit == 1000
            assert (await led.reserve(SENDER, "k")).remaining == 995
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_parallel_sends_from_two_laptops_never_exceed_the_limit(
    tmp_path: Path,
) -> None:
    shop = company(limit=25, used=5)
    portal = FakePortal([shop])
    portal.start()
    try:
        async with (
            make_ledger(portal, tmp_path / "a") as a,
            make_ledger(portal, tmp_path / "b") as b,
        ):

            async def send(led: MongoLedger, i: int) -> int:
                try:
                    await led.reserve(SENDER, f"m{i}")
                except QuotaExceeded:
                    return 0
                await led.commit(SENDER, f"m{i}")
                return 1

            sent = await asyncio.gather(*(send(a if i % 2 else b, i) for i in range(60)))
            assert sum(sent) == 20
            assert usage(portal, shop) == 25
            assert (await a.status(SENDER)).remaining == 0
    finally:
        portal.stop()


# --- lost replies, outages, slowness -----------------------------------------------


@pytest.mark.asyncio
async def test_lost_reply_on_reserve_is_counted_exactly_once(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    await ledger.status(SENDER)  # the ledger has seen the quota once
    portal.fail_next("findAndModify", "drop_reply")
    s = await ledger.reserve(SENDER, "lost")
    assert s.stale and not s.portal_reachable  # went on locally
    assert usage(portal, acme) == 1  # ... but the portal did apply it
    await ledger.commit(SENDER, "lost")
    await wait_reachable(ledger)
    assert usage(portal, acme) == 1
    assert portal.doc(acme["_id"])["lilaAppliedKeys"] == ["lost"]
    s = await ledger.status(SENDER)
    assert (s.used, s.reserved, s.stale) == (1, 0, False)


@pytest.mark.asyncio
async def test_lost_reply_then_failed_send_is_refunded(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    await ledger.status(SENDER)
    portal.fail_next("findAndModify", "drop_reply")
    await ledger.reserve(SENDER, "lost")
    await ledger.release(SENDER, "lost")
    await wait_reachable(ledger)
    assert usage(portal, acme) == 0
    assert portal.doc(acme["_id"])["lilaAppliedKeys"] == []


@pytest.mark.asyncio
async def test_lost_reply_on_flush_does_not_count_twice(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    await ledger.status(SENDER)
    portal.fail_next("findAndModify", "hangup")  # never applied this time
    await ledger.reserve(SENDER, "k1")
    await ledger.commit(SENDER, "k1")
    assert usage(portal, acme) == 0
    portal.fail_next("update", "drop_reply")  # the flush applies, its ack is lost
    skip_reset_after(ledger)
    assert await ledger.flush() == 0
    assert usage(portal, acme) == 1
    await wait_reachable(ledger)  # flushed again: the key guard makes it a no-op
    assert usage(portal, acme) == 1
    assert len(portal.calls("update")) == 2


@pytest.mark.asyncio
async def test_server_down_outbox_then_flushed_exactly_once(
    portal: FakePortal, acme: dict[str, Any], tmp_path: Path
) -> None:
    led = make_ledger(portal, tmp_path)
    try:
        assert (await led.status(SENDER)).remaining == 10
        portal.stop()
        statuses = []
        for i in range(6):
            statuses.append(await led.reserve(SENDER, f"off{i}"))
            # One bounded wait (the first send), then the breaker: the rest never
            # ask the portal (how long that one wait takes: bench/bench_quota.py).
            assert not led._gate.breaker.is_closed, i
            if i == 5:
                await led.release(SENDER, f"off{i}")  # one send failed
            else:
                await led.commit(SENDER, f"off{i}")
        assert all(s.stale and not s.portal_reachable for s in statuses)
        s = await led.status(SENDER)
        assert (s.used, s.reserved, s.remaining, s.portal_reachable) == (5, 0, 5, False)
        await led.aclose()  # shut down during the outage: the outbox is on disk
        assert usage(portal, acme) == 0

        portal.start()  # same port: the portal is back
        led = make_ledger(portal, tmp_path)
        await wait_reachable(led)
        assert usage(portal, acme) == 5
        assert sorted(portal.doc(acme["_id"])["lilaAppliedKeys"]) == [f"off{i}" for i in range(5)]
        assert await led.flush() == 0  # nothing left
        s = await led.status(SENDER)
        assert (s.used, s.remaining, s.portal_reachable, s.stale) == (5, 5, True, False)
    finally:
        await led.aclose()
    async with make_ledger(portal, tmp_path) as again:  # a restart flushes nothing twice
        await again.status(SENDER)
    assert usage(portal, acme) == 5


@pytest.mark.asyncio
async def test_outage_sends_stop_at_the_last_known_remaining(tmp_path: Path) -> None:
    shop = company(limit=5, used=2)
    portal = FakePortal([shop])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            await led.reserve(SENDER, "online")  # portal says 3 used, 2 remain
            portal.stop()
            await led.reserve(SENDER, "off1")
            await led.reserve(SENDER, "off2")
            with pytest.raises(QuotaExceeded) as info:
                await led.reserve(SENDER, "off3")
            assert info.value.status.stale
            for k in ("online", "off1", "off2"):
                await led.commit(SENDER, k)
            portal.start()
            await wait_reachable(led)
            assert usage(portal, shop) == 5
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_outage_before_any_contact_is_unavailable(tmp_path: Path) -> None:
    portal = FakePortal([company()])
    with socket.socket() as probe:  # a free port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        portal.port = probe.getsockname()[1]
    async with make_ledger(portal, tmp_path) as led:
        with pytest.raises(QuotaUnavailable, match="unreachable"):
            await led.reserve(SENDER, "k")
        with pytest.raises(QuotaUnavailable):
            await led.status(SENDER)
        assert not led.portal_reachable


@pytest.mark.asyncio
async def test_slow_server_bounded_wait_then_breaker_fails_fast(
    portal: FakePortal, acme: dict[str, Any], tmp_path: Path
) -> None:
    clock = SkipClock(start=1000.0)  # the breaker's clock, moved by hand
    async with make_ledger(portal, tmp_path, monotonic=clock) as ledger:
        await _slow_server(ledger, portal, clock)
    assert usage(portal, acme) == 2


async def _slow_server(ledger: MongoLedger, portal: FakePortal, clock: SkipClock) -> None:
    await ledger.status(SENDER)
    portal.stall_seconds = 60.0  # held until the test ends it
    portal.fail_next("findAndModify", "stall")
    s = await ledger.reserve(SENDER, "slow")
    # The send went on (stale) while the portal still sat on the command: the
    # wait was op_timeout's, not the stall's (its length: bench/bench_quota.py).
    assert s.stale and portal.stalling.is_set()
    calls = len(portal.log)
    await ledger.reserve(SENDER, "fast")  # breaker open: the portal is not asked
    clock.skip(10.0)  # past reset_after: still, a send never carries the probe
    await ledger.reserve(SENDER, "fast-2")
    assert len(portal.log) == calls
    await ledger.release(SENDER, "fast-2")
    await ledger.commit(SENDER, "slow")
    await ledger.commit(SENDER, "fast")
    portal.end_stall.set()
    await wait_reachable(ledger)


@pytest.mark.asyncio
async def test_background_flusher_sends_queued_usage_without_new_sends(
    portal: FakePortal, acme: dict[str, Any], tmp_path: Path
) -> None:
    async with make_ledger(portal, tmp_path, flush_interval=0.2) as led:
        await led.status(SENDER)
        portal.fail_next("findAndModify", "hangup")
        await led.reserve(SENDER, "queued")
        await led.commit(SENDER, "queued")
        deadline = time.monotonic() + 5
        while usage(portal, acme) == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert usage(portal, acme) == 1


@pytest.mark.asyncio
async def test_closed_ledger_refuses_work(ledger: MongoLedger) -> None:
    await ledger.aclose()
    await ledger.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await ledger.reserve(SENDER, "k")


@pytest.mark.asyncio
async def test_background_probe_notices_the_portal_is_back(
    portal: FakePortal, tmp_path: Path
) -> None:
    async with make_ledger(portal, tmp_path, flush_interval=0.2) as led:
        await led.status(SENDER)
        # pymongo retries a read once, and the background flusher may read in
        # between: one hangup more than needed, and none left over afterwards.
        portal.fail_next("find", "hangup", "hangup", "hangup")
        s = await led.status(SENDER)  # nothing queued, only the status read failed
        with portal.lock:
            portal.faults.clear()
        assert not s.portal_reachable and s.stale
        deadline = time.monotonic() + 5
        while not led.portal_reachable and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert led.portal_reachable
        assert portal.calls("ping")  # the probe, with no usage to send
        assert not (await led.status(SENDER)).stale
