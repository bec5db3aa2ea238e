"""Soak run: the real app with 50 flapping numbers for 30 minutes or more.

    .venv/bin/python -m tests.chaos.soak --minutes 30 --sessions 50

The unmodified app (`lila-desktop --headless --transport simulated`, the
shipped policy, simulated WhatsApp in real time) links the numbers, then a
seeded schedule keeps dropping them (every transient code; each number about
every 20 s), takes the network away now and then, crashes the engine every
ten minutes and takes backups on demand. Every 15 s the RSS, open file handles
and threads of the app and of its engine are sampled. The verdict compares the
last third of the run with the first: memory and file handles must stay flat.

Writes bench/results/soak.json (and the samples as they come to
bench/results/soak-samples.jsonl, to follow a long run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness.app_process import AppProcess, plaintext_files, wait_gone
from lila_desktop.services.vault import default_runtime_dir
from tests.chaos.invariants import NOT_CREDENTIALS

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
CODES = (408, 428, 500, 503, 515)
RSS_FLAT_PCT = 10.0  # last third vs first third
FDS_FLAT = 8  # open handles: at most this many more at the end


def _slope_per_hour(points: list[tuple[float, float]]) -> float:
    if len(points) < 3:
        return 0.0
    xs = [t for t, _ in points]
    ys = [v for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs) or 1.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den * 3600


def _thirds(values: list[float]) -> tuple[float, float]:
    third = max(1, len(values) // 3)
    return statistics.median(values[:third]), statistics.median(values[-third:])


def heap_growth(folder: Path, top: int = 25) -> dict[str, Any]:
    """What grew in the app's Python heap between its first snapshot (after
    the warm-up) and its last, from the tracemalloc hook's dumps."""
    import tracemalloc

    snaps = sorted(folder.glob("app-*.snap"))
    series = []
    for snap in snaps:
        stamp, traced, overhead = snap.with_suffix(".meta").read_text().split()
        series.append(
            {
                "snapshot": snap.name,
                "time": float(stamp),
                "traced_mb": round(int(traced) / 2**20, 2),
                "tracing_overhead_mb": round(int(overhead) / 2**20, 2),
            }
        )
    if len(snaps) < 2:
        return {"series": series, "note": "fewer than two snapshots"}
    t0 = series[0]["time"]
    for row in series:
        row["t_min"] = round((row.pop("time") - t0) / 60, 1)
    first = tracemalloc.Snapshot.load(str(snaps[0]))
    last = tracemalloc.Snapshot.load(str(snaps[-1]))
    skip = tracemalloc.Filter(False, tracemalloc.__file__)

    def diff(key: str) -> list[dict[str, Any]]:
        stats = last.filter_traces([skip]).compare_to(first.filter_traces([skip]), key)
        return [
            {
                "where": str(stat.traceback[0]),
                "size_diff_kb": round(stat.size_diff / 1024, 1),
                "size_kb": round(stat.size / 1024, 1),
                "count_diff": stat.count_diff,
            }
            for stat in stats[:top]
        ]

    return {
        "series": series,
        "compared": [snaps[0].name, snaps[-1].name],
        "traced_growth_mb": round(series[-1]["traced_mb"] - series[0]["traced_mb"], 2),
        "top_lines": diff("lineno"),
        "top_files": diff("filename")[:15],
    }


def run(
    minutes: float, sessions: int, seed: int, out: Path, trace_every: float = 0.0
) -> dict[str, Any]:
    rng = random.Random(seed)
    phones = [f"5197{i:07d}" for i in range(sessions)]
    faults: dict[str, int] = {}
    samples: list[dict[str, Any]] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    stream = out.with_name(f"{out.stem}-samples.jsonl").open("w", encoding="utf-8")

    def count(kind: str) -> None:
        faults[kind] = faults.get(kind, 0) + 1

    with tempfile.TemporaryDirectory(prefix="lila-soak-") as tmp:
        data_dir = Path(tmp) / "data"
        snaps = Path(tmp) / "heap"
        env: dict[str, str | None] = {}
        if trace_every:
            # bench/harness/tracemalloc_site/sitecustomize.py: the app traces
            # its heap from its first import and dumps a snapshot every so often.
            snaps.mkdir()
            site = Path(__file__).resolve().parents[2] / "bench" / "harness" / "tracemalloc_site"
            env = {
                "PYTHONPATH": f"{site}{os.pathsep}{os.environ.get('PYTHONPATH', ROOT)}",
                "LILA_SOAK_TRACEMALLOC_DIR": str(snaps),
                "LILA_SOAK_TRACEMALLOC_EVERY": str(trace_every),
            }
        app = AppProcess(data_dir, fast=False, time_scale="1", env=env)
        try:
            app.wait_ready(60)
            for phone in phones:
                app.link(phone, timeout=60)
            t0 = time.monotonic()
            end = t0 + minutes * 60
            next_sample = t0
            next_network = t0 + 120
            next_crash = t0 + 600
            next_backup = t0 + 60
            rate = sessions / 20.0  # drops per second: each number about every 20 s
            while time.monotonic() < end:
                now = time.monotonic()
                if now >= next_sample:
                    snap = {
                        "t": round(now - t0, 1),
                        **app.usage(),
                        "connected": sum(v == "connected" for v in app.sessions().values()),
                    }
                    samples.append(snap)
                    stream.write(json.dumps(snap) + "\n")
                    stream.flush()
                    next_sample += 15
                if now >= next_network:
                    app.simulate(phones[0], "network_down")
                    time.sleep(rng.uniform(2, 8))
                    app.simulate(phones[0], "network_up")
                    count("network_flap")
                    next_network += 120
                elif now >= next_crash:
                    app.simulate(phones[0], "engine_crash")
                    count("engine_crash")
                    next_crash += 600
                elif now >= next_backup:
                    resp = app.call("POST", f"/api/sessions/{rng.choice(phones)}/backups")
                    count(f"backup_{resp.status}")
                    next_backup += 60
                else:
                    phone = rng.choice(phones)
                    resp = app.simulate(phone, "disconnect", code=rng.choice(CODES))
                    # 409: that number is between two attempts right now; not a fault.
                    count("disconnect" if resp.status == 200 else f"disconnect_{resp.status}")
                    time.sleep(rng.expovariate(rate))
            # Let every number come back, then a clean stop.
            settle_deadline = time.monotonic() + 120
            while time.monotonic() < settle_deadline:
                if all(v == "connected" for v in app.sessions().values()):
                    break
                time.sleep(1)
            final = app.sessions()
            engines = [p.pid for p in app.processes()[1:]]
            code = app.terminate(90)
            leftover = wait_gone(engines, 15)
            plain = plaintext_files(
                data_dir,
                default_runtime_dir(data_dir.resolve()),
                # The quota ledger and the outbox hold no credential (as in the
                # chaos invariants); a plaintext credential anywhere else fails.
                skip=lambda p: bool(NOT_CREDENTIALS & set(p.parts)),
            )
            unhandled = app.unhandled()
            restarts = sum(1 for ln in app.lines if "engine back after" in str(ln.get("msg")))
            recycles = sum(1 for ln in app.lines if ln.get("msg") == "engine recycled")
            heap = heap_growth(snaps) if trace_every else None
        finally:
            app.close()
            stream.close()

    result: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": __import__("os").cpu_count(),
        },
        "minutes": minutes,
        "sessions": sessions,
        "seed": seed,
        "faults": faults,
        "faults_total": sum(v for k, v in faults.items() if k != "disconnect_409"),
        "engine_restarts": restarts,
        "engine_recycles": recycles,
        "samples": len(samples),
        "connected_at_end": sum(v == "connected" for v in final.values()),
        "exit_code": code,
        "engine_left_running": leftover,
        "plaintext_after_shutdown": [str(p) for p in plain],
        "unhandled_exceptions": unhandled[:20],
    }
    if heap is not None:
        result["heap"] = heap
    for role in ("app", "engine"):
        rows = [(s["t"], s[role]) for s in samples if role in s]
        if not rows:
            continue
        rss = [r["rss_mb"] for _, r in rows]
        fds = [float(r["fds"]) for _, r in rows]
        rss_first, rss_last = _thirds(rss)
        fds_first, fds_last = _thirds(fds)
        result[role] = {
            "rss_mb_first_third": round(rss_first, 2),
            "rss_mb_last_third": round(rss_last, 2),
            "rss_mb_max": max(rss),
            "rss_growth_pct": round((rss_last - rss_first) / rss_first * 100, 1),
            "rss_mb_per_hour": round(_slope_per_hour([(t, r["rss_mb"]) for t, r in rows]), 2),
            "fds_first_third": fds_first,
            "fds_last_third": fds_last,
            "fds_max": max(fds),
            "threads_max": max(r["threads"] for _, r in rows),
            "cpu_s_total": rows[-1][1]["cpu_s"],
        }
    connected = [float(s["connected"]) for s in samples]
    if connected:
        result["connected_per_sample"] = {
            "min": min(connected),
            "median": statistics.median(connected),
            "max": max(connected),
        }
    result["flat"] = verdict(result)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


def verdict(result: dict[str, Any]) -> bool:
    """Memory and handles flat, a clean exit, nothing left running, no plaintext
    credential at rest, no unhandled exception."""
    app_stats = result.get("app", {})
    plain = [
        p for p in result["plaintext_after_shutdown"] if not NOT_CREDENTIALS & set(Path(p).parts)
    ]
    return bool(
        app_stats
        and app_stats["rss_growth_pct"] <= RSS_FLAT_PCT
        and app_stats["fds_last_third"] - app_stats["fds_first_third"] <= FDS_FLAT
        and result["exit_code"] == 0
        and not result["engine_left_running"]
        and not plain
        and not result["unhandled_exceptions"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20260128)
    parser.add_argument("--out", type=Path, default=RESULTS / "soak.json")
    parser.add_argument(
        "--tracemalloc-every",
        type=float,
        default=0.0,
        metavar="S",
        help="trace the app's heap and snapshot it every S seconds (names what grows)",
    )
    parser.add_argument(
        "--rescore",
        type=Path,
        metavar="FILE",
        help="recompute the verdict of a finished soak's results file (the rule changed)",
    )
    args = parser.parse_args()
    if args.rescore:
        done = json.loads(args.rescore.read_text())
        done["flat"] = verdict(done)
        args.rescore.write_text(json.dumps(done, indent=2) + "\n")
        print(f"flat: {done['flat']}")
        return
    result = run(args.minutes, args.sessions, args.seed, args.out, args.tracemalloc_every)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
