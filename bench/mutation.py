"""Mutation testing of the promises, on demand (never in CI): mutmut 3 over the
pure core and the seams listed in pyproject's [tool.mutmut], each mutant
against the fast tests that guard it.

    .venv/bin/pip install -e ".[mutation]"
    nice -n 10 .venv/bin/python bench/mutation.py            # run, then score
    .venv/bin/python bench/mutation.py --score-only          # score the last run

Writes bench/results/mutation.json: per module the mutants, how many the
tests killed, the survivors by name (`mutmut show NAME` prints the diff), and
the score (killed / tested, as mutmut counts it). One worker (`--max-children
1`): the machine's two cores are shared. A full run takes over an hour here
(policy.py alone: 680 mutants, each against the policy's property tests).
A run limited by mutant name globs (`lila_desktop.core.policy.*`) rewrites
only the modules it tested; `--sample N` runs and scores every N-th mutant
of each function (by mutant number, so the same set on every machine).
A module listed in SCOPE is run and scored only in the functions named there
(the runtime: where Settings reach the vault, pool and ledger; its start and
close are guarded by slower tests outside the mutation selection).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import platform
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "mutation.json"
GENERATE_ONLY = "lila_desktop.no_such_mutant"

# Module (mutant name prefix) -> the only functions of it that are mutated.
SCOPE = {
    "lila_desktop.services.runtime.": [
        "lila_desktop.services.runtime.x_build_pool__mutmut_*",
        "lila_desktop.services.runtime.x_build_quota_ledger__mutmut_*",
        "lila_desktop.services.runtime.x_keystore_for__mutmut_*",
    ],
}


def in_scope(name: str) -> bool:
    for prefix, globs in SCOPE.items():
        if name.startswith(prefix):
            return any(fnmatch.fnmatchcase(name, g) for g in globs)
    return True


def generated() -> bool:
    """Every module of pyproject's `only_mutate` has its mutants (a `.meta` file)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return all((ROOT / "mutants" / f"{path}.meta").exists() for path in config["only_mutate"])


def run(children: int, names: list[str]) -> None:
    mutmut = Path(sys.executable).with_name("mutmut")
    subprocess.run(
        ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(children), *names],
        cwd=ROOT,
        check=False,
    )


def _number(name: str) -> int:
    return int(name.rsplit("__mutmut_", 1)[1])


def matching(globs: list[str], every: int = 1) -> list[str]:
    """The generated mutants matching `globs`; with `every` > 1 a sample: every
    `every`-th mutant of each function by mutant number, the same names on every
    machine, spread over all the module's functions. Needs the mutants generated
    (a first `mutmut run` over the module)."""
    names = []
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        for key in json.loads(meta.read_text())["exit_code_by_key"]:
            if (
                any(fnmatch.fnmatchcase(key, g) for g in globs)
                and in_scope(key)
                and _number(key) % every == 1 % every
            ):
                names.append(key)
    if not names:
        raise SystemExit("no mutants match: run `mutmut run 'GLOB'` once to generate them")
    return sorted(names)


def score(only: set[str] | None = None) -> dict[str, Any]:
    from mutmut.stats import status_by_exit_code  # mutmut's own reading of its codes

    modules: dict[str, Any] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        in_module = len(codes)
        if only is not None:
            codes = {key: code for key, code in codes.items() if key in only}
        if not codes:
            continue
        statuses = {key: status_by_exit_code[code] for key, code in codes.items()}
        counts = Counter(statuses.values())
        tested = sum(counts[s] for s in ("killed", "survived", "timeout", "no tests"))
        if not tested:
            continue  # not run this time: keep the module's last recorded row
        killed = counts["killed"] + counts["timeout"]
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        modules[module] = {
            "mutants": len(codes),
            "mutants_in_module": in_module,
            "killed": killed,
            "survived": counts["survived"],
            "no_tests": counts["no tests"],
            "not_checked": counts["not checked"],
            "score_percent": round(100 * killed / tested, 1),
            "survivors": sorted(k for k, s in statuses.items() if s in ("survived", "no tests")),
        }
    return modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--score-only", action="store_true")
    parser.add_argument("--max-children", type=int, default=1)
    parser.add_argument("--label", default="after", help="'before' or 'after' the new tests")
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        metavar="N",
        help="run and score only every N-th mutant (by number) of the named globs",
    )
    parser.add_argument("names", nargs="*", help="mutant name globs (default: all)")
    args = parser.parse_args()
    if not args.score_only and not generated():
        # Generate the mutants (and mutmut's test map) first, so that the names
        # below can be chosen: a name matching nothing runs none of them.
        run(args.max_children, [GENERATE_ONLY])
    # Always by name: SCOPE and the sample apply; mutmut reruns what it is named.
    names = matching(args.names or ["*"], max(args.sample, 1))
    if not args.score_only:
        run(args.max_children, names)
    # Score what this run was about: the sample, or the modules the globs name.
    only = set(names)
    result = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    result["machine"] = {"python": platform.python_version(), "platform": platform.platform()}
    # A run over some modules (mutant name globs) updates only their rows.
    fresh = score(only)
    for row in fresh.values():
        row["sampled_every"] = args.sample or 1
    result[args.label] = {**result.get(args.label, {}), **fresh}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    for module, row in result[args.label].items():
        print(f"{module:50} {row['killed']:4}/{row['mutants']:<4} {row['score_percent']}%")


if __name__ == "__main__":
    main()
