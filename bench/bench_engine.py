"""Engine benchmarks: crash recovery time and memory per session.

Run: .venv/bin/python bench/bench_engine.py  (writes bench/results/engine.json)

1. kill -9 of the engine process -> every session `connected` again, with
   1, 10 and 50 simulated sessions (real engine process, real stores, real
   encryption; simulated WhatsApp at real time scale for the connect delay).
2. RSS of the engine process per live session: simulated, and real neonize
   clients (offline: each dial fails on DNS, the client stays allocated until
   stopped -- what we can measure here).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LILA_SIM_TIME_SCALE", "0.05")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from bench.harness.pool import FAST_POLICY, MemoryKeyStore, PoolHarness, build_test_pool
from lila_desktop.core.policy import DEFAULT_CONFIG, PolicyConfig
from lila_desktop.core.status import Status

RESULTS = Path(__file__).parent / "results"


async def _linked_pool(tmp: Path, count: int, config: PolicyConfig = FAST_POLICY) -> PoolHarness:
    pool = build_test_pool(tmp / "data", tmp / "run", MemoryKeyStore(), config)
    await pool.start()
    h = PoolHarness(pool, tmp / "data", tmp / "run")
    phones = [f"5190{i:07d}" for i in range(count)]
    await asyncio.gather(*(pool.add(p) for p in phones))
    for p in phones:
        await h.wait(p, lambda s: s.qr is not None, 60)
    await asyncio.gather(*(pool.simulate(p, "scan", {}) for p in phones))
    for p in phones:
        await h.wait_status(p, "connected", 60)
    return h


async def crash_recovery(count: int, rounds: int = 3) -> dict[str, float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        # The shipped policy: a crash counts as one failure, so 1 s ± 20 % backoff.
        # (stable_after shortened so each round starts from a stable connection.)
        config = dataclasses.replace(DEFAULT_CONFIG, stable_after=1.0)
        h = await _linked_pool(Path(tmp), count, config)
        h.pool.engine.healthy_after = 1.0
        try:
            for _ in range(rounds):
                await asyncio.sleep(2.0)  # not a crash loop: each crash is the first in a while
                t0 = time.perf_counter()
                await h.pool.engine.kill()
                for s in h.pool.snapshots():
                    await h.wait(s.phone, lambda x: x.status is not Status.CONNECTED, 30)
                for s in h.pool.snapshots():
                    await h.wait_status(s.phone, "connected", 60)
                times.append(time.perf_counter() - t0)
            engine_restart = h.pool.engine.last_restart_seconds or 0.0
        finally:
            await h.pool.aclose()
    return {
        "sessions": count,
        "rounds": rounds,
        "all_connected_s_median": round(statistics.median(times), 3),
        "all_connected_s_max": round(max(times), 3),
        "engine_back_s": round(engine_restart, 3),
    }


async def memory_simulated(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        h = await _linked_pool(Path(tmp), 1)
        try:
            proc = psutil.Process(h.pool.engine.pid)
            base = proc.memory_info().rss
            h2_phones = [f"5191{i:07d}" for i in range(count)]
            await asyncio.gather(*(h.pool.add(p) for p in h2_phones))
            for p in h2_phones:
                await h.wait(p, lambda s: s.qr is not None, 60)
            await asyncio.gather(*(h.pool.simulate(p, "scan", {}) for p in h2_phones))
            for p in h2_phones:
                await h.wait_status(p, "connected", 60)
            grown = proc.memory_info().rss
            fds = proc.num_fds()
        finally:
            await h.pool.aclose()
    return {
        "sessions": count + 1,
        "engine_rss_mb": round(grown / 2**20, 1),
        "per_session_kb": round((grown - base) / count / 1024, 1),
        "engine_fds": fds,
    }


def main() -> None:
    results: dict[str, object] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "crash_recovery": [asyncio.run(crash_recovery(n)) for n in (1, 10, 50)],
        "memory_simulated": asyncio.run(memory_simulated(50)),
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "engine.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
