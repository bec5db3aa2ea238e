"""Mutation testing of the promises, on demand (never in CI): mutmut 3 over the
pure core and the seams listed in pyproject's [tool.mutmut], each mutant
against the fast tests that guard it.

    .venv/bin/pip install -e ".[mutation]"
    nice -n 10 .venv/bin/python bench/mutation.py            # run, then score
    .venv/bin/python bench/mutation.py --score-only          # score the last run

Writes bench/results/mutation.json: per module the mutants, how many the
tests killed, the survivors by name (`mutmut show NAME` prints the diff), and
the score (killed / tested, as mutmut counts it). One worker (`--max-children
1`): the machine's two cores are shared. A full run takes about 40 min here.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "mutation.json"


def run(children: int, names: list[str]) -> None:
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run(
        ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(children), *names],
        cwd=ROOT,
        check=False,
    )


def score() -> dict[str, Any]:
    from mutmut.stats import status_by_exit_code  # mutmut's own reading of its codes

    modules: dict[str, Any] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:
            continue
        statuses = {key: status_by_exit_code[code] for key, code in codes.items()}
        counts = Counter(statuses.values())
        tested = sum(counts[s] for s in ("killed", "survived", "timeout", "no tests"))
        killed = counts["killed"] + counts["timeout"]
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        modules[module] = {
            "mutants": len(codes),
            "killed": killed,
            "survived": counts["survived"],
            "no_tests": counts["no tests"],
            "not_checked": counts["not checked"],
            "score_percent": round(100 * killed / tested, 1) if tested else None,
            "survivors": sorted(k for k, s in statuses.items() if s in ("survived", "no tests")),
        }
    return modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--score-only", action="store_true")
    parser.add_argument("--max-children", type=int, default=1)
    parser.add_argument("--label", default="after", help="'before' or 'after' the new tests")
    parser.add_argument("names", nargs="*", help="mutant name globs (default: all)")
    args = parser.parse_args()
    if not args.score_only:
        run(args.max_children, args.names)
    result = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    result["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    result[args.label] = score()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    for module, row in result[args.label].items():
        print(f"{module:50} {row['killed']:4}/{row['mutants']:<4} {row['score_percent']}%")


if __name__ == "__main__":
    main()
