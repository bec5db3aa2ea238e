"""Before/after in the same minutes: runs of main's code and this tree's, alternating.

On a shared machine one run against another taken an hour apart measures the
load, not the change. Here each round runs main's sources (a `git archive main`
unpacked in a temp folder) and then this tree's, in fresh processes, one after
the other; the result keeps every run with its load average and the median of
each figure per side (`bench/report_targets.py` renders it).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
THIS = "i18"  # the report's name for this tree's side


@contextmanager
def main_sources(ref: str = "main") -> Iterator[Path]:
    """`ref`'s committed sources, unpacked in a temp folder."""
    with tempfile.TemporaryDirectory(prefix="lila-ab-") as tmp:
        archive = Path(tmp) / "src.tar"
        with archive.open("wb") as out:
            subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, stdout=out)
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "src", filter="data")
        yield Path(tmp) / "src"


def last_json_line(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `args` in a fresh process (in `cwd`); its last line of output, as JSON."""
    out = subprocess.run(
        args,
        check=True,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def alternate(
    rounds: int, one_run: Callable[[Path], dict[str, Any]], ref: str = "main"
) -> list[dict[str, Any]]:
    """`rounds` × (main, this tree); `one_run(src)` measures the sources under `src`."""
    runs: list[dict[str, Any]] = []
    with main_sources(ref) as main_src:
        for n in range(1, rounds + 1):
            for side, src in (("main", main_src), (THIS, ROOT)):
                figures = one_run(src)
                runs.append({"side": side, "run": n, **figures})
                print(json.dumps(runs[-1]), flush=True)
    return runs


def medians(runs: list[dict[str, Any]], side: str) -> dict[str, float]:
    mine = [r for r in runs if r["side"] == side]
    keys = [k for k in mine[0] if k not in ("side", "run")]
    return {k: round(statistics.median(r[k] for r in mine), 2) for k in keys}


def write(name: str, what: str, runs: list[dict[str, Any]]) -> None:
    out = {
        "what": what,
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "runs": runs,
        "main": medians(runs, "main"),
        THIS: medians(runs, THIS),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=2) + "\n")
