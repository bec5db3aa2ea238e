"""Start-up: launch to window shown, and launch to three numbers connected.

Run: .venv/bin/python bench/bench_startup.py [--frozen dist/lila-desktop/lila-desktop]
(writes bench/results/startup.json)

The window app (`lila-desktop --transport simulated`, Qt offscreen, the real
window and tray code) is launched against a data folder that already holds
three linked numbers (prepared once by the headless app through its API), as
the owner's laptop starts it in the morning. Times are taken outside the app,
from the moment the process is spawned to the arrival of its JSON log line:
`window_shown`, then the third `connected` status. ROUNDS launches each; the
first is reported apart (a cold page cache for the frozen build).

From source: the installed `lila-desktop` entry point of the venv. Frozen:
the PyInstaller one-folder build (`--frozen PATH`; without it the bench builds
one from packaging/lila-desktop.spec into a temp folder, when the spec exists).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness.app_process import AppProcess, app_command  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PHONES = ("51900000001", "51900000002", "51900000003")
ROUNDS = 5
SPEC = ROOT / "packaging" / "lila-desktop.spec"


def prepare(data_dir: Path) -> None:
    """Three linked numbers, sealed, as after a normal day (headless app, real API)."""
    app = AppProcess(data_dir, fast=False, time_scale="0.05")
    try:
        app.wait_ready(60)
        for phone in PHONES:
            app.link(phone)
        assert app.terminate(60) == 0
    finally:
        app.close()


def launch(command: list[str], data_dir: Path) -> dict[str, float]:
    env = {"QT_QPA_PLATFORM": "offscreen"}
    app = AppProcess(data_dir, fast=False, env=env, command=command, headless=False)
    try:
        shown = app.wait_log("window_shown", 60)
        connected: set[str] = set()

        def third(line: dict[str, Any]) -> bool:
            if line.get("event") == "status" and line.get("status") == "connected":
                connected.add(str(line.get("phone")))
            return connected >= set(PHONES)

        done = app.wait_log(third, 60)
        result = {
            "window_shown_s": round(shown["_t"] - app.started_at, 3),
            "three_connected_s": round(done["_t"] - app.started_at, 3),
        }
        assert app.terminate(60) == 0
        return result
    finally:
        app.close()


def measure(command: list[str], prepared: Path) -> dict[str, Any]:
    runs = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory(prefix="lila-bench-start-") as tmp:
            data_dir = Path(tmp) / "data"
            shutil.copytree(prepared, data_dir, symlinks=True)
            runs.append(launch(command, data_dir))
    warm = runs[1:] or runs
    return {
        "first": runs[0],
        "median": {
            key: round(statistics.median(r[key] for r in warm), 3)
            for key in ("window_shown_s", "three_connected_s")
        },
        "rounds": len(runs),
    }


def build_frozen(dist: Path) -> Path:
    subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"),
            *("--distpath", str(dist), "--workpath", str(dist / "work"), str(SPEC)),
        ],
        cwd=ROOT,
        check=True,
    )
    return dist / "lila-desktop" / "lila-desktop"


def main() -> None:
    parser = argparse.ArgumentParser(description="Start-up benchmark.")
    parser.add_argument("--frozen", type=Path, help="the frozen app's executable")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "qt_platform": "offscreen",
    }
    with tempfile.TemporaryDirectory(prefix="lila-bench-startup-") as tmp:
        prepared = Path(tmp) / "prepared"
        prepare(prepared)
        result["source"] = measure(app_command(fast=False), prepared)
        frozen = args.frozen
        if frozen is None and SPEC.exists():
            t0 = time.perf_counter()
            frozen = build_frozen(Path(tmp) / "dist")
            result["frozen_build_s"] = round(time.perf_counter() - t0, 1)
        if frozen is not None and frozen.exists():
            result["frozen"] = measure([str(frozen)], prepared)
        else:
            result["frozen"] = None
            result["frozen_note"] = "no frozen build (packaging/lila-desktop.spec not found)"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
