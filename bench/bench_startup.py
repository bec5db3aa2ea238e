"""Start-up as an owner sees it: process start to the window mapped on a real X server.

Run: .venv/bin/python bench/bench_startup.py [--frozen dist/lila-desktop/lila-desktop]
     [--rounds N] [--compare OLD_TREE]   (writes bench/results/startup.json)

Without $DISPLAY and the isolated keyring it re-runs itself under
`xvfb-run` and `scripts/with-keyring.sh`: a real X server (Xvfb, the xcb
platform plugin) and a real Secret Service (gnome-keyring) holding the
vault's key, as on an owner's desktop.

The window app (`lila-desktop --transport simulated`, no passphrase: the key
comes from the keyring) is launched against a data folder that already holds
three linked numbers (prepared once by the headless app through its API), as
the owner's laptop starts it in the morning. From the moment the process is
spawned, three times are taken outside the app: the window mapped (the X
server's MapNotify for a top-level window whose _NET_WM_PID is the app's,
bench/xmap.py), the app's own `window_shown` log line, and the third
`connected` status. The reference is a bare PySide6 window (QApplication, one
QWidget, show) from the same Python, timed the same way. Each round launches
the bare window, the app from source and the frozen app, in a rotating order;
the first round is reported apart (cold caches) and the figures are medians of
the others. The ratios are app ÷ bare window, per round, then the median: wall
clock to the map (`mapped_vs_bare`, the target) and the process's CPU seconds
when it called show() (`cpu_vs_bare`: `time.process_time()` in the app's
`window_shown` line and printed by the bare window; a loaded machine stretches
it far less). `cpu_to_map_s` is read from /proc as the MapNotify arrives, so it
also counts what the app ran in the meantime.

From source: the installed `lila-desktop` entry point of the venv. Frozen:
the PyInstaller one-folder build (`--frozen PATH`; without it the bench builds
one from packaging/lila-desktop.spec into a temp folder).
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

from bench import callgrind  # noqa: E402
from bench.harness.app_process import AppProcess, app_command  # noqa: E402
from bench.xmap import MapWatcher  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PHONES = ("51900000001", "51900000002", "51900000003")
ROUNDS = 6
SPEC = ROOT / "packaging" / "lila-desktop.spec"
SCREEN = "-screen 0 1366x768x24"
BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QWidget()\n"
    "w.resize(1100, 700)\n"
    "w.show()\n"
    "import time; print(time.process_time(), flush=True)\n"
    "app.exec()\n"
)
KEYS = ("window_mapped_s", "cpu_to_map_s", "cpu_at_show_s", "window_shown_s", "three_connected_s")
# An installed app runs from cached bytecode; the venv's editable install has none, and
# PYTHONDONTWRITEBYTECODE (set on some machines) would make every launch compile ~130
# modules (~0.3 s). Launches from source share a bytecode cache of their own.
BYTECODE_ENV: dict[str, str | None] = {"PYTHONDONTWRITEBYTECODE": None}


def prepare(data_dir: Path) -> None:
    """Three linked numbers, sealed, as after a normal day (headless app, real API);
    the vault's key goes into the keyring, where the window app finds it."""
    app = AppProcess(data_dir, fast=False, time_scale="0.05", passphrase=None)
    try:
        app.wait_ready(60)
        for phone in PHONES:
            app.link(phone)
        assert app.terminate(60) == 0
    finally:
        app.close()


def bare_window(watcher: MapWatcher) -> dict[str, Any]:
    started = time.monotonic()
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", **BYTECODE_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-c", BARE],
        env={k: v for k, v in env.items() if v is not None},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        at, cpu = watcher.wait_mapped(proc.pid, started)
        assert proc.stdout is not None
        shown_cpu = float(proc.stdout.readline())
        return {
            "window_mapped_s": round(at - started, 3),
            "cpu_to_map_s": cpu,
            "cpu_at_show_s": round(shown_cpu, 3),
        }
    finally:
        proc.terminate()
        proc.wait(30)


def launch(watcher: MapWatcher, command: list[str], data_dir: Path, frozen: bool) -> dict[str, Any]:
    env = {"QT_QPA_PLATFORM": "xcb", **BYTECODE_ENV}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LILA_"))}
    app = AppProcess(
        data_dir,
        fast=False,
        env=env,
        command=command,
        headless=False,
        passphrase=None,
        base_env=base if frozen else None,
    )
    try:
        mapped, cpu = watcher.wait_mapped(app.proc.pid, app.started_at)
        shown = app.wait_log("window_shown", 60)
        connected: set[str] = set()

        def third(line: dict[str, Any]) -> bool:
            if line.get("event") == "status" and line.get("status") == "connected":
                connected.add(str(line.get("phone")))
            return connected >= set(PHONES)

        done = app.wait_log(third, 60)
        result = {
            "window_mapped_s": round(mapped - app.started_at, 3),
            "cpu_to_map_s": cpu,
            "window_shown_s": round(shown["_t"] - app.started_at, 3),
            "three_connected_s": round(done["_t"] - app.started_at, 3),
            # None for a build older than the cpu_s field (e.g. --compare of an old tree).
            "cpu_at_show_s": None if shown.get("cpu_s") is None else round(shown["cpu_s"], 3),
        }
        assert app.terminate(60) == 0
        return result
    finally:
        app.close()


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


def _ratio(runs: list[dict[str, Any]], bare: list[dict[str, Any]], key: str) -> float | None:
    """Median over the warm rounds of app ÷ bare window, each pair from one round."""
    pairs = list(zip(runs, bare, strict=True))
    pairs = pairs[1:] or pairs
    ratios = [a[key] / b[key] for a, b in pairs if a.get(key) and b.get(key)]
    return round(statistics.median(ratios), 2) if ratios else None


def summary(runs: list[dict[str, Any]], bare: list[dict[str, Any]]) -> dict[str, Any]:
    warm = runs[1:] or runs
    return {
        "first": runs[0],
        "median": {key: _median(warm, key) for key in KEYS if any(key in r for r in runs)},
        "mapped_vs_bare": _ratio(runs, bare, "window_mapped_s"),
        "cpu_vs_bare": _ratio(runs, bare, "cpu_at_show_s"),
        "runs": runs,
        "rounds": len(runs),
    }


def measure(
    watcher: MapWatcher, commands: dict[str, tuple[list[str], bool]], prepared: Path, rounds: int
) -> dict[str, Any]:
    kinds = ["bare", *commands]
    runs: dict[str, list[Any]] = {kind: [] for kind in kinds}
    for round_ in range(rounds):
        order = kinds[round_ % len(kinds) :] + kinds[: round_ % len(kinds)]
        for kind in order:
            if kind == "bare":
                runs["bare"].append(bare_window(watcher))
                continue
            command, frozen = commands[kind]
            with tempfile.TemporaryDirectory(prefix="lila-bench-start-") as tmp:
                data_dir = Path(tmp) / "data"
                shutil.copytree(prepared, data_dir, symlinks=True)
                runs[kind].append(launch(watcher, command, data_dir, frozen))
        print(f"round {round_ + 1}/{rounds}: " + ", ".join(
            f"{k} {runs[k][-1]['window_mapped_s']} s (cpu {runs[k][-1]['cpu_at_show_s']})"
            for k in kinds
        ), flush=True)  # fmt: skip
    bare = runs["bare"]
    warm = bare[1:] or bare
    out: dict[str, Any] = {
        "bare_pyside6": {
            "first": bare[0],
            "median": {
                key: _median(warm, key)
                for key in ("window_mapped_s", "cpu_to_map_s", "cpu_at_show_s")
            },
            "runs": bare,
        }
    }
    for kind in commands:
        out[kind] = summary(runs[kind], bare)
    return out


def instructions(prepared: Path, frozen: Path | None) -> dict[str, Any]:
    """Instructions to the window shown (callgrind): the bare window, the app from
    source and frozen; the load-proof figure (bench/callgrind.py)."""
    merged = {**os.environ, "QT_QPA_PLATFORM": "xcb", **BYTECODE_ENV}
    bare_env = {k: v for k, v in merged.items() if v is not None}
    bare = callgrind.count_until_line([sys.executable, "-c", BARE], bare_env, lambda _: True)
    counted: dict[str, Any] = {
        "tool": "valgrind --tool=callgrind, dumped when the window is shown",
        "bare_pyside6": bare,
    }
    apps = {"source": (app_command(fast=False), False)}
    if frozen is not None:
        apps["frozen"] = ([str(frozen.resolve())], True)
    for kind, (command, is_frozen) in apps.items():
        with tempfile.TemporaryDirectory(prefix="lila-bench-start-") as tmp:
            data_dir, out_dir = Path(tmp) / "data", Path(tmp) / "callgrind"
            shutil.copytree(prepared, data_dir, symlinks=True)
            out_dir.mkdir()
            # The frozen app's bootloader starts its Python by exec: followed.
            traced = [*callgrind.prefix(out_dir), "--trace-children=yes", *command]
            # As launch(): a frozen app gets no PYTHON*/LILA_* of this process.
            base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LILA_"))}
            app = AppProcess(
                data_dir,
                fast=False,
                env={"QT_QPA_PLATFORM": "xcb", **BYTECODE_ENV},
                command=traced,
                headless=False,
                passphrase=None,
                base_env=base if is_frozen else None,
            )
            try:
                app.wait_log("window_shown", 900)
                counted[kind] = callgrind.dump_now(app.proc.pid, out_dir)
            finally:
                app.proc.kill()
                app.close()
        counted[f"{kind}_vs_bare"] = round(counted[kind] / bare, 2)
    return counted


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


def under_x_and_keyring() -> None:
    """Re-run this bench under Xvfb and the isolated keyring when not there already."""
    if os.environ.get("DISPLAY") and os.environ.get("LILA_KEYRING_TMP"):
        return
    if shutil.which("xvfb-run") is None:
        raise SystemExit("bench_startup: needs xvfb-run (Debian: xvfb xauth)")
    command = [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    if not os.environ.get("LILA_KEYRING_TMP"):
        command = [str(ROOT / "scripts" / "with-keyring.sh"), *command]
    if not os.environ.get("DISPLAY"):
        command = ["xvfb-run", "-a", "-s", SCREEN, *command]
    raise SystemExit(subprocess.run(command, check=False).returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description="Start-up benchmark.")
    parser.add_argument("--frozen", type=Path, help="the frozen app's executable")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--no-instructions", action="store_true", help="skip the callgrind count (~1 min)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="also launch the source tree in DIR (e.g. `git archive` of an older commit) "
        "in the same rounds, as 'compare'",
    )
    args = parser.parse_args()
    under_x_and_keyring()
    BYTECODE_ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="lila-bench-pyc-")
    result: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_1m_start": round(os.getloadavg()[0], 2),
        },
        "qt_platform": "xcb on Xvfb",
        "keyring": "gnome-keyring (scripts/with-keyring.sh): the vault's key from the keyring",
        "measured": "process spawn to MapNotify of its top-level window (bench/xmap.py)",
        "bytecode": "cached (a fresh cache per bench run; the first round fills it)",
    }
    watcher = MapWatcher()
    try:
        with tempfile.TemporaryDirectory(prefix="lila-bench-startup-") as tmp:
            prepared = Path(tmp) / "prepared"
            prepare(prepared)
            commands: dict[str, tuple[list[str], bool]] = {
                "source": (app_command(fast=False), False)
            }
            if args.compare:
                tree = str(args.compare.resolve())
                code = (
                    f"import sys; sys.path.insert(0, {tree!r}); "
                    "from lila_desktop.__main__ import main; sys.exit(main())"
                )
                commands["compare"] = ([sys.executable, "-c", code], False)
                result["compare_tree"] = tree
            frozen = args.frozen
            if frozen is None and SPEC.exists():
                t0 = time.perf_counter()
                frozen = build_frozen(Path(tmp) / "dist")
                result["frozen_build_s"] = round(time.perf_counter() - t0, 1)
            if frozen is not None and frozen.exists():
                commands["frozen"] = ([str(frozen.resolve())], True)
            else:
                result["frozen"] = None
                result["frozen_note"] = "no frozen build (packaging/lila-desktop.spec not found)"
            result.update(measure(watcher, commands, prepared, args.rounds))
            if callgrind.available() and not args.no_instructions:
                built = frozen if frozen is not None and frozen.exists() else None
                result["instructions"] = instructions(prepared, built)
            else:
                result["instructions"] = None  # no valgrind here (Debian: valgrind)
    finally:
        watcher.close()
    result["machine"]["loadavg_1m_end"] = round(os.getloadavg()[0], 2)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))


if __name__ == "__main__":
    main()
