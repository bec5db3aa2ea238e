"""Local API benchmark: requests/s of `GET /api/sessions/{phone}/status` on loopback.

Run: .venv/bin/python bench/bench_api.py  (writes bench/results/api.json)

The real app runs as a subprocess (`lila-desktop --headless --transport
simulated`, as deployed: its own process, its own loop, the pool and the
engine behind it); one number is linked through the API, then an aiohttp
client with keep-alive asks for its status as fast as it can, one request
at a time and with 16 in flight. Client and server share this machine's
cores, so the figures are a floor for a client in another language.
"""

from __future__ import annotations

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

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness.app_process import AppProcess

RESULTS = Path(__file__).parent / "results"
PHONE = "51902049935"
KEY = "bench-api-key-0123456789abcdef"
DURATION = 5.0  # seconds per measurement, after a warm-up


def _start_app(data_dir: Path) -> AppProcess:
    """The installed app on a port of its own choosing, followed through its log."""
    return AppProcess(
        data_dir,
        api_key=KEY,
        passphrase="benchmark passphrase",
        time_scale="0.01",
    )


async def _link(http: aiohttp.ClientSession) -> None:
    headers = {"x-api-key": KEY}
    async with http.post("/api/sessions", json={"phoneNumber": PHONE}, headers=headers) as r:
        assert r.status == 201, await r.text()
    async with http.post(
        f"/api/sessions/{PHONE}/simulate", json={"event": "scan"}, headers=headers
    ) as r:
        body = await r.json()
        assert body["data"]["status"] == "connected", body


async def _measure(http: aiohttp.ClientSession, path: str, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0

    async def worker(stop_at: float, record: bool) -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            async with http.get(path) as resp:
                await resp.read()
                if resp.status != 200:
                    errors += 1
            if record:
                latencies.append(time.perf_counter() - started)

    warm_until = time.monotonic() + 1.0
    await asyncio.gather(*(worker(warm_until, False) for _ in range(concurrency)))
    started = time.perf_counter()
    stop_at = time.monotonic() + DURATION
    await asyncio.gather(*(worker(stop_at, True) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    return {
        "path": path,
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49], 3),
        "p95_ms": round(q[94], 3),
        "p99_ms": round(q[98], 3),
    }


async def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lila-bench-api-") as tmp:
        app = _start_app(Path(tmp) / "data")
        try:
            app.wait_ready(60)
            connector = aiohttp.TCPConnector(limit=64)
            async with aiohttp.ClientSession(base_url=app.base, connector=connector) as http:
                await _link(http)
                status = f"/api/sessions/{PHONE}/status"
                runs = [
                    await _measure(http, status, 1),
                    await _measure(http, status, 16),
                    await _measure(http, "/health", 16),
                ]
            assert app.terminate(30) == 0
        finally:
            app.close()
    return {
        "benchmark": "local API, GET status on loopback (app in its own process)",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "client": f"aiohttp {aiohttp.__version__}, keep-alive, same machine",
        "runs": runs,
    }


def main() -> None:
    result = asyncio.run(run())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(result, indent=2) + "\n")
    for entry in result["runs"]:
        print(
            f"{entry['path']:<36} x{entry['concurrency']:<3} {entry['requests_per_s']:>8} req/s  "
            f"p50 {entry['p50_ms']} ms  p99 {entry['p99_ms']} ms  errors {entry['errors']}"
        )


if __name__ == "__main__":
    main()
