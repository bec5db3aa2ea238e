"""Network back → first connect attempt, through the OS notification path.

Run (as root): .venv/bin/python bench/bench_network.py  (writes bench/results/network.json)

Each run is tests/unit/services/netns_scenario.py in a private network
namespace (`unshare -n`): a veth link carries the default route; it is taken
down, the numbers drop and wait (no dial while the OS says offline), then
the link and its route come back. Measured from just before `ip link set up`
(so two `ip` process launches are inside the figure) to the engine's first
and last `start` request, and to every number connected (simulated WhatsApp).
The watcher rows time link change → netlink report alone. Each run records
the machine's load average: the machine may be shared.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SIZES = (1, 50)
REPEATS = 5


def scenario(*args: str) -> dict[str, Any]:
    load = os.getloadavg()
    proc = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "tests.unit.services.netns_scenario", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["loadavg_1m"] = round(load[0], 2)
    return result


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def main() -> None:
    watcher = [scenario("watcher") for _ in range(REPEATS)]
    lat = [t for run in watcher for t in run["latencies_s"]]
    pools: dict[str, Any] = {}
    for size in SIZES:
        runs = [scenario("pool", str(size)) for _ in range(REPEATS)]
        pools[str(size)] = {
            "runs": len(runs),
            "first_dial": _ms([r["up_to_first_dial_s"] for r in runs]),
            "last_dial": _ms([r["up_to_last_dial_s"] for r in runs]),
            "all_connected": _ms([r["up_to_all_connected_s"] for r in runs]),
            "offline_dials_max": max(r["offline_dials"] for r in runs),
            "dials_to_recover_max": max(r["dials_to_recover"] for r in runs),
            "loadavg_1m": [r["loadavg_1m"] for r in runs],
        }
    result = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "watcher": {"changes": len(lat), **_ms(lat)},
        "pool": pools,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "network.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
