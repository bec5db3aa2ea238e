"""Quota ledger benchmarks: what a quota check adds to a send.

Run: .venv/bin/python bench/bench_quota.py  (writes bench/results/quota.json)

1. Local SQLite ledger: sends/s of reserve+commit, one sender at a time and
   32 at once, with per-send latency percentiles (real file on ext4, WAL).
2. MongoDB portal ledger over loopback against mockupdb (the only MongoDB
   wire-protocol server available here, see TOOLCHAIN.md), with the same
   in-memory evaluator the tests use: reserve+commit latency with the portal
   up, the bare round trip of one pymongo command to the same server (so the
   ledger's own cost can be told from mockupdb's), reserve+commit with the
   breaker open (portal down: local outbox only), and flushing the outbox.
   mockupdb is a Python server with a global lock, so absolute portal numbers
   are a floor set by it; a real portal adds its network round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import platform
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pymongo

from bench.harness.portal import (
    FakePortal,
    company,
    fast_client,
    usage,
)
from lila_desktop.core.quota import CircuitBreaker, QuotaUnavailable
from lila_desktop.services.quota import MongoLedger, SqliteLedger

RESULTS = Path(__file__).parent / "results"
SENDER = "51902049935"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100)
    return {"p50_ms": round(q[49], 3), "p95_ms": round(q[94], 3), "p99_ms": round(q[98], 3)}


async def _sends(
    send: Callable[[int], Awaitable[None]], n: int, concurrency: int
) -> dict[str, Any]:
    latencies: list[float] = []
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            t = time.perf_counter()
            await send(i)
            latencies.append(time.perf_counter() - t)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {
        "sends": n,
        "concurrency": concurrency,
        "seconds": round(elapsed, 3),
        "sends_per_s": round(n / elapsed, 1),
        **_percentiles(latencies),
    }


async def bench_local(tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for concurrency, n in ((1, 3000), (32, 6000)):
        path = tmp / f"local-{concurrency}.sqlite3"
        async with SqliteLedger(path, limit=10**9) as led:
            await led.status(SENDER)  # open the file outside the timing

            async def send(i: int, led: SqliteLedger = led) -> None:
                await led.reserve(SENDER, f"m{i}")
                await led.commit(SENDER, f"m{i}")

            out[f"concurrency_{concurrency}"] = await _sends(send, n, concurrency)
            assert (await led.status(SENDER)).used == n
    return out


async def bench_portal(tmp: Path) -> dict[str, Any]:
    shop = company(limit=10**9)
    portal = FakePortal([shop])
    portal.start()
    out: dict[str, Any] = {}
    try:
        # The bare round trip: one find_one to the same server, same client settings.
        with fast_client(portal.uri) as client:
            coll = client["shared_db"]["companies"]
            coll.find_one({"_id": shop["_id"]})
            rtt = []
            for _ in range(500):
                t = time.perf_counter()
                coll.find_one({"_id": shop["_id"]}, {"companyId": 1})
                rtt.append(time.perf_counter() - t)
        out["bare_pymongo_find_one_sync"] = _percentiles(rtt)

        led = MongoLedger(
            portal.uri,
            outbox_path=tmp / "outbox.sqlite3",
            client_factory=fast_client,
            breaker=CircuitBreaker(failure_threshold=1, reset_after=0.5),
            flush_interval=3600.0,  # the flush below is timed, not left to the background
        )
        try:
            await led.status(SENDER)

            async def send(i: int) -> None:
                await led.reserve(SENDER, f"p{i}")
                await led.commit(SENDER, f"p{i}")

            out["portal_up_reserve_commit"] = await _sends(send, 1000, 1)
            out["portal_up_reserve_commit_8_at_once"] = await _sends(
                lambda i: send(10_000 + i), 1000, 8
            )
            assert usage(portal, shop) == 2000

            # Portal down: the first send pays one bounded wait, the breaker opens,
            # every later send is local (outbox) only.
            portal.stop()
            t = time.perf_counter()
            await send(20_000)
            first_down = time.perf_counter() - t

            # How long that first wait is depends on how the portal died: a reset
            # connection fails at once, a silent one costs op_timeout (below).
            out["portal_killed_first_send_s"] = round(first_down, 3)
            out["portal_down_reserve_commit"] = await _sends(lambda i: send(30_000 + i), 1000, 1)
            portal.start()
            await asyncio.sleep(0.6)  # past reset_after: the next flush probes the portal
            t = time.perf_counter()
            settled = 0
            while n := await led.flush():
                settled += n
            flush_s = time.perf_counter() - t
            assert led.portal_reachable
            out["flush_after_outage"] = {
                "keys": settled,
                "seconds": round(flush_s, 3),
                "keys_per_s": round(settled / flush_s, 1),
            }
            assert usage(portal, shop) == 2000 + 1 + 1000, usage(portal, shop)
        finally:
            await led.aclose()
    finally:
        portal.stop()

    # A portal that never answers (nothing listens on its port): the first send
    # waits op_timeout (2 s default) for server selection, later ones nothing.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_uri = f"mongodb://127.0.0.1:{probe.getsockname()[1]}/"
    async with MongoLedger(
        dead_uri, outbox_path=tmp / "dead.sqlite3", client_factory=fast_client
    ) as dead:
        waits = []
        for i in range(5):
            t = time.perf_counter()
            with contextlib.suppress(QuotaUnavailable):  # never saw the quota
                await dead.reserve(SENDER, f"d{i}")
            waits.append(round(time.perf_counter() - t, 4))
    out["portal_unreachable_waits_s_first_5_sends"] = waits
    return out


async def bench_stalled_portal(tmp: Path) -> dict[str, Any]:
    """A portal that takes the command and sits on it: the first send waits
    op_timeout (1 s here), then the breaker makes later sends local at once.
    (Measured here, not asserted in tests/unit/services/test_quota_mongo.py.)"""
    shop = company(limit=10**9)
    slow = FakePortal([shop])
    slow.start()
    try:
        async with MongoLedger(
            slow.uri, outbox_path=tmp / "slow.sqlite3", client_factory=fast_client, op_timeout=1.0
        ) as led:
            await led.status(SENDER)
            slow.stall_seconds = 60.0
            slow.fail_next("findAndModify", "stall")
            waits = []
            for i in range(3):
                t = time.perf_counter()
                await led.reserve(SENDER, f"s{i}")
                waits.append(round(time.perf_counter() - t, 4))
            slow.end_stall.set()
    finally:
        slow.stop()
    return {"op_timeout_s": 1.0, "waits_s_first_3_sends": waits}


async def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=Path.home()) as d:
        tmp = Path(d)
        return {
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "pymongo": pymongo.version,
            },
            "local_sqlite_ledger": await bench_local(tmp),
            "mongo_portal_ledger_vs_mockupdb": await bench_portal(tmp),
            "mongo_portal_stalled": await bench_stalled_portal(tmp),
        }


if __name__ == "__main__":
    results = asyncio.run(main())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quota.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
