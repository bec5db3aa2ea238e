"""Run the benchmarks and regenerate bench/README.md from bench/results/*.json.

    .venv/bin/python bench/run.py                  # every benchmark (about 6 min), then the README
    .venv/bin/python bench/run.py --only backup recovery
    .venv/bin/python bench/run.py --soak --chaos   # also the two 2-hour soaks and the long campaign
    .venv/bin/python bench/run.py --readme         # only rewrite the README from the results

Each benchmark is its own script (run in its own process, so one cannot
disturb the next) and writes one JSON file; the README's tables are made
from those files only, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from report import render  # noqa: E402

# name -> (command after the python executable, results file)
BENCHES: dict[str, tuple[list[str], str]] = {
    "pool": (["bench/bench_pool.py"], "pool.json"),
    "network": (["bench/bench_network.py"], "network.json"),
    "recovery": (["bench/bench_recovery.py"], "recovery.json"),
    "backup": (["bench/bench_backup.py"], "backup.json"),
    "startup": (["bench/bench_startup.py", "--rounds", "10"], "startup.json"),
    "engine": (["bench/bench_engine.py"], "engine.json"),
    "api": (["bench/bench_api.py"], "api.json"),
    "api_sessions": (["bench/bench_api_sessions.py"], "api_sessions.json"),
    "outbox": (["bench/bench_outbox.py"], "outbox.json"),
    "fuzz": (["bench/run.py", "--count-fuzz"], "fuzz.json"),
}
ON_DEMAND: dict[str, tuple[list[str], str]] = {
    # Two soaks side by side (a soak is wall-clock bound): the plain one for
    # the RSS and handles, one tracing the heap to name what grows.
    "soak": (["-m", "tests.chaos.soak", "--minutes", "120", "--sessions", "50"], "soak.json"),
    "soak_heap": (
        [
            "-m",
            "tests.chaos.soak",
            "--minutes",
            "120",
            "--sessions",
            "50",
            "--seed",
            "20261130",
            "--tracemalloc-every",
            "600",
            "--out",
            "bench/results/soak-heap.json",
        ],
        "soak-heap.json",
    ),
    # 600 lives of the app (500 of them ended by kill -9), ~18 faults each.
    "chaos": (
        [
            "-m",
            "tests.chaos.campaign",
            "--runs",
            "600",
            "--sessions",
            "8",
            "--steps",
            "18",
            "--jobs",
            "3",
        ],
        "chaos.json",
    ),
    # mutmut over core and the seams: ~40 min on one core (bench/mutation.py).
    "mutation": (["bench/mutation.py"], "mutation.json"),
}
FUZZ_TEST = "tests/unit/services/test_api_openapi.py"
_CASES = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")
_SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|error)")


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    import psutil

    return {
        "os": platform.platform(),
        "cpu": f"{cpu} x{os.cpu_count()}",
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
    }


FUZZ_EXAMPLES = 600  # per operation and mode: >= 10,000 requests in all (target)


def count_fuzz() -> None:
    """Run the API's schemathesis fuzz tests and count the requests they made."""
    t0 = time.monotonic()
    load = os.getloadavg()[0]
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", FUZZ_TEST, "-k", "fuzz", "-q"),
            *("-p", "no:cacheprovider", "--hypothesis-show-statistics"),
            # 600 examples of a slow operation (simulate waits for its effect)
            # outlast the suite's 120 s per-test timeout: that is not an API failure.
            "--timeout=3600",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LILA_FUZZ_EXAMPLES": str(FUZZ_EXAMPLES)},
    )
    cases = [tuple(int(x) for x in m.groups()) for m in _CASES.finditer(proc.stdout)]
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    summary = {kind: int(n) for n, kind in _SUMMARY.findall(tail)}
    result = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "test": FUZZ_TEST,
        "operations_x_modes": len(cases),
        "requests": sum(c[0] + c[1] for c in cases),
        "passing": sum(c[0] for c in cases),
        "failing": sum(c[1] for c in cases),
        "pytest": summary,
        "exit_code": proc.returncode,
        "seconds": round(time.monotonic() - t0, 1),
        "max_examples": FUZZ_EXAMPLES,
        "loadavg_1m": [round(load, 2), round(os.getloadavg()[0], 2)],
        "failures": _failures(proc.stdout),
    }
    (RESULTS / "fuzz.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def _failures(out: str) -> list[str]:
    """The first lines of each failing case (a 5xx shows as `Server error`)."""
    marks = ("Server error", "Timeout", "Undocumented", "does not conform", "not a valid")
    keep = [
        ln.strip()
        for ln in out.splitlines()
        if ln.startswith(("FAILED", "_ test_")) or any(m in ln for m in marks)
    ]
    return keep[:40]


def run(name: str, command: list[str]) -> float:
    print(f"== {name}: {' '.join(command)}", flush=True)
    t0 = time.monotonic()
    subprocess.run([sys.executable, *command], cwd=ROOT, check=True)
    return time.monotonic() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=[*BENCHES, *ON_DEMAND])
    parser.add_argument(
        "--soak", action="store_true", help="also the two 2-hour soaks (plain, heap-traced)"
    )
    parser.add_argument("--chaos", action="store_true", help="also the long chaos campaign")
    parser.add_argument("--readme", action="store_true", help="only regenerate the README")
    parser.add_argument("--count-fuzz", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    if args.count_fuzz:
        count_fuzz()
        return
    if not args.readme:
        chosen = dict(BENCHES)
        if args.soak:
            chosen["soak"] = ON_DEMAND["soak"]
            chosen["soak_heap"] = ON_DEMAND["soak_heap"]
        if args.chaos:
            chosen["chaos"] = ON_DEMAND["chaos"]
        if args.only:
            chosen = {k: v for k, v in {**BENCHES, **ON_DEMAND}.items() if k in args.only}
        # The heap soak runs beside the plain one: both wait on the clock, not the CPU.
        beside = None
        if "soak" in chosen and "soak_heap" in chosen:
            command = chosen.pop("soak_heap")[0]
            print(f"== soak_heap (beside the soak): {' '.join(command)}", flush=True)
            beside = subprocess.Popen([sys.executable, *command], cwd=ROOT)
        for name, (command, _) in chosen.items():
            took = run(name, command)
            print(f"== {name}: {took:.0f} s", flush=True)
        if beside is not None and beside.wait() != 0:
            raise SystemExit(f"the heap soak failed: exit code {beside.returncode}")
    results = {}
    files = {name: file for name, (_, file) in {**BENCHES, **ON_DEMAND}.items()}
    # A/B runs against main, same minutes (a shared machine): see report.ab().
    files |= {"pool_ab": "pool_ab.json", "backup_ab": "backup_ab.json", "bundle": "bundle.json"}
    # The malloc-arena A/B: two soaks side by side (tests.chaos.soak --out ...).
    files |= {"soak_ab_before": "soak-ab-before.json", "soak_ab_after": "soak-ab-after.json"}
    for name, file in files.items():
        path = RESULTS / file
        if path.exists():
            results[name] = json.loads(path.read_text())
    for name in ("soak", "soak_heap"):
        samples = RESULTS / f"{name.replace('_', '-')}-samples.jsonl"
        if name in results and samples.exists():
            rows = [json.loads(line) for line in samples.read_text().splitlines() if line]
            results[name]["series"] = rows
    (HERE / "README.md").write_text(render(results, machine()))
    print(f"wrote {HERE / 'README.md'}")


if __name__ == "__main__":
    main()
