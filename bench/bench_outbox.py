"""Outbox benchmarks (issue 16). Writes bench/results/outbox.json.

Run: nice -n 10 .venv/bin/python bench/bench_outbox.py [--drain 10000]

Everything real up to the simulated WhatsApp: the pool with its engine
process, the vault, the SQLite quota ledger, the outbox database (fsync on
every state change) and a loopback webhook receiver.

1. accept: messages per second into the outbox (number away, so nothing
   drains meanwhile), one caller and 32 at once.
2. reconnect: from "connected again" (the pool's snapshot) to the first
   queued message sent, with the default pacing (3 s): target <= 1 s + pacing.
3. drain: N queued messages (default 10,000) sent with no pacing; the app's
   and the engine's memory and the outbox file sizes sampled along the way.
4. webhooks: events delivered per second to a loopback receiver.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LILA_SIM_TIME_SCALE", "0.01")

import psutil
from aiohttp import web

from lila_desktop.core.outbox import RESERVATION_TTL, MessageStatus, Pacing
from lila_desktop.services.outbox import Outbox, OutboxStore
from lila_desktop.services.outbox.webhooks import WebhookDispatcher, configure
from lila_desktop.services.quota import SqliteLedger
from tests.conftest import MemoryKeyStore, PoolHarness, build_test_pool

RESULTS = Path(__file__).parent / "results"
PHONE = "51902049935"
TO = "51987654321"
WENT_OUT = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


class Rig:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pool = build_test_pool(tmp / "data", tmp / "run", MemoryKeyStore())
        self.harness = PoolHarness(self.pool, tmp / "data", tmp / "run")
        self.ledger = SqliteLedger(
            tmp / "quota.sqlite3", limit=1_000_000, reservation_ttl=RESERVATION_TTL
        )
        self.store = OutboxStore(tmp / "outbox.sqlite3")
        self.outbox: Outbox | None = None

    async def start(self, pacing: Pacing) -> Outbox:
        await self.pool.start()
        await self.harness.link(PHONE)
        self.outbox = Outbox(self.store, self.pool, self.ledger, pacing=pacing)
        await self.outbox.start()
        return self.outbox

    async def away(self) -> None:
        await self.pool.simulate(None, "network_down", {})
        await self.pool.wait_for(PHONE, lambda s: not s.is_connected, 30)

    async def back(self) -> float:
        """Network up; returns the wall time the number showed connected again."""
        connected = asyncio.get_running_loop().create_future()

        def seen(snap: Any) -> None:
            if snap.phone == PHONE and snap.is_connected and not connected.done():
                connected.set_result(time.time())

        unsubscribe = self.pool.subscribe(seen)
        try:
            await self.pool.simulate(None, "network_up", {})
            return float(await asyncio.wait_for(connected, 30))
        finally:
            unsubscribe()

    async def close(self) -> None:
        if self.outbox is not None:
            await self.outbox.aclose()
        await self.pool.aclose()
        await self.ledger.aclose()


async def wait_first_sent(outbox: Outbox) -> float:
    done = asyncio.get_running_loop().create_future()

    def seen(msg: Any) -> None:
        if msg.status is MessageStatus.SENT and not done.done():
            done.set_result(time.time())

    unsubscribe = outbox.subscribe(seen)
    try:
        return float(await asyncio.wait_for(done, 60))
    finally:
        unsubscribe()


async def bench_accept(tmp: Path, n: int) -> dict[str, Any]:
    rig = Rig(tmp)
    outbox = await rig.start(Pacing(0))
    try:
        await rig.away()
        out: dict[str, Any] = {"messages": n}
        for concurrency in (1, 32):
            counter = iter(range(n))
            started = time.perf_counter()

            async def worker(tag: int, numbers: Any) -> None:
                for i in numbers:
                    await outbox.accept(PHONE, TO, f"bench {i}", key=f"c{tag}-{i}")

            await asyncio.gather(*(worker(concurrency, counter) for _ in range(concurrency)))
            seconds = time.perf_counter() - started
            out[f"concurrency_{concurrency}_per_s"] = round(n / seconds, 1)
        return out
    finally:
        await rig.close()


async def bench_reconnect(tmp: Path, rounds: int) -> dict[str, Any]:
    rig = Rig(tmp)
    pacing = Pacing()  # the default: 3 s between two messages of a number
    outbox = await rig.start(pacing)
    samples = []
    try:
        for r in range(rounds):
            # Start each round once the pacing gap after the last send has passed:
            # this measures the reconnect, not the pause (which comes on top).
            while (s := await outbox.summarize(PHONE)).next_send_at is not None or (
                outbox._next_at.get(PHONE, 0.0) > time.time()
            ):
                await asyncio.sleep(0.2)
            del s
            await rig.away()
            for i in range(3):
                await outbox.accept(PHONE, TO, f"round {r} message {i}")
            first_sent = asyncio.ensure_future(wait_first_sent(outbox))
            connected_at = await rig.back()
            samples.append(await first_sent - connected_at)
            while (await outbox.summarize(PHONE)).counts["queued"]:  # let the round finish
                await asyncio.sleep(0.2)
        return {
            "rounds": rounds,
            "pacing_interval_s": pacing.interval,
            "median_s": round(statistics.median(samples), 3),
            "max_s": round(max(samples), 3),
            "target_s": 1.0 + pacing.interval,
            "note": "each round starts after the previous pacing gap; a message that "
            "still waits for its gap goes out at most interval x 1.5 after the last send",
        }
    finally:
        await rig.close()


def _sizes(tmp: Path) -> int:
    return sum(p.stat().st_size for p in tmp.glob("outbox.sqlite3*"))


async def bench_drain(tmp: Path, n: int) -> dict[str, Any]:
    rig = Rig(tmp)
    outbox = await rig.start(Pacing(0))
    me = psutil.Process()
    try:
        await rig.away()
        started = time.perf_counter()
        for i in range(n):
            await outbox.accept(PHONE, TO, f"drain {i}")
        queued_s = time.perf_counter() - started
        engine = me.children(recursive=True)
        samples: list[dict[str, float]] = []
        t0 = time.perf_counter()
        await rig.back()
        while True:
            counts = (await outbox.summarize(PHONE)).counts
            out = sum(counts[s.value] for s in WENT_OUT)
            samples.append(
                {
                    "t_s": round(time.perf_counter() - t0, 1),
                    "sent": out,
                    "app_rss_mb": round(me.memory_info().rss / 2**20, 1),
                    "engine_rss_mb": round(sum(p.memory_info().rss for p in engine) / 2**20, 1),
                    "outbox_files_mb": round(_sizes(tmp) / 2**20, 2),
                }
            )
            if counts["queued"] == 0 and counts["sending"] == 0:
                break
            await asyncio.sleep(2.0)
        seconds = time.perf_counter() - t0
        rss = [s["app_rss_mb"] for s in samples]
        return {
            "messages": n,
            "queue_fill_s": round(queued_s, 1),
            "drain_s": round(seconds, 1),
            "drain_per_s": round(n / seconds, 1),
            "app_rss_mb_first_last_max": [rss[0], rss[-1], max(rss)],
            "outbox_files_mb_last": samples[-1]["outbox_files_mb"],
            "samples": samples,
        }
    finally:
        await rig.close()


async def bench_webhooks(tmp: Path, n: int) -> dict[str, Any]:
    got: list[bytes] = []
    all_in = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        got.append(await request.read())
        if len(got) >= n:
            all_in.set()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    store = OutboxStore(tmp / "hooks.sqlite3")
    await configure(store, url, allow_private=True)
    rig = Rig(tmp)
    rig.store = store
    outbox = await rig.start(Pacing(0))
    dispatcher = WebhookDispatcher(store)
    try:
        await rig.away()
        for i in range(n):  # one `queued` event each
            await outbox.accept(PHONE, TO, f"hook {i}")
        started = time.perf_counter()
        dispatcher.start()
        await asyncio.wait_for(all_in.wait(), 600)
        seconds = time.perf_counter() - started
        return {"events": n, "seconds": round(seconds, 2), "per_s": round(n / seconds, 1)}
    finally:
        await dispatcher.aclose()
        await rig.close()
        await runner.cleanup()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        }
    }
    steps = {
        "accept": lambda tmp: bench_accept(tmp, args.accept),
        "reconnect": lambda tmp: bench_reconnect(tmp, args.rounds),
        "drain": lambda tmp: bench_drain(tmp, args.drain),
        "webhooks": lambda tmp: bench_webhooks(tmp, args.hooks),
    }
    for name, step in steps.items():
        with tempfile.TemporaryDirectory(prefix=f"bench-outbox-{name}-") as tmp:
            print(f"{name}…", flush=True)
            results[name] = await step(Path(tmp))
            print(json.dumps({k: v for k, v in results[name].items() if k != "samples"}))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--accept", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--drain", type=int, default=10_000)
    parser.add_argument("--hooks", type=int, default=2000)
    out = asyncio.run(main(parser.parse_args()))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "outbox.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
