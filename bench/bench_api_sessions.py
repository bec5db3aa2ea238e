"""Local API with 50 sessions: `GET /api/sessions` and the status endpoint.

Run: .venv/bin/python bench/bench_api_sessions.py  (writes bench/results/api_sessions.json)

Completes bench_api.py (one number) with the issue's case: the headless app
holds 50 linked numbers (simulated transport) while an aiohttp client with
keep-alive asks for the whole list, and for one number's status, as fast as
it can (1 and 16 requests in flight). The measuring loop is bench_api's.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import bench_api  # noqa: E402

from bench.harness.app_process import AppProcess  # noqa: E402

SESSIONS = 50
PHONES = [f"5194{i:07d}" for i in range(SESSIONS)]


async def measure(base: str) -> list[dict[str, Any]]:
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(base_url=base, connector=connector) as http:
        runs = []
        for path, concurrency in (
            ("/api/sessions", 1),
            ("/api/sessions", 16),
            (f"/api/sessions/{PHONES[0]}/status", 16),
        ):
            run = await bench_api._measure(http, path, concurrency)
            runs.append({**run, "sessions": SESSIONS})
        return runs


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lila-bench-api50-") as tmp:
        app = AppProcess(Path(tmp) / "data", fast=False, time_scale="0.05")
        try:
            app.wait_ready(60)
            for phone in PHONES:
                app.link(phone)
            assert len(app.sessions()) == SESSIONS
            runs = asyncio.run(measure(app.base))
            assert app.terminate(60) == 0
        finally:
            app.close()
    result = {
        "benchmark": f"local API with {SESSIONS} sessions (app in its own process)",
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "client": f"aiohttp {aiohttp.__version__}, keep-alive, same machine",
        "runs": runs,
    }
    (HERE / "results" / "api_sessions.json").write_text(json.dumps(result, indent=2) + "\n")
    for entry in runs:
        print(
            f"{entry['path']:<36} x{entry['concurrency']:<3} {entry['requests_per_s']:>8} req/s  "
            f"p50 {entry['p50_ms']} ms  p99 {entry['p99_ms']} ms  errors {entry['errors']}"
        )


if __name__ == "__main__":
    main()
