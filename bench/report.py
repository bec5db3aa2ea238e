"""bench/README.md from the results files: one Markdown table per benchmark.

Only figures from bench/results/*.json appear in the tables; the words around
them say what was measured and how to read it (and where a target is missed,
why). `bench/run.py` calls `render`.
"""

from __future__ import annotations

from typing import Any

from report_format import ok, ran_on, table
from report_notes import LOAD_NOTE, NOTES
from report_soak import arenas_ab, heap, soak
from report_targets import ab, network, recovery, targets

COMMAND = ".venv/bin/python bench/run.py"


def _all_events(s: dict[str, Any]) -> str:
    """The earlier definition: every status event, also those decided without change."""
    every = s.get("update_latency_all_events_ms")
    if every is None:
        return "–"
    return f"{every['p50']} / {every['p99']}"


def pool(r: dict[str, Any]) -> str:
    rows = [
        [
            s["sessions"],
            s["status_events_per_s"],
            f"{s['loop_lag_ms']['p50']} / {s['loop_lag_ms']['p99']}",
            f"{s['update_latency_ms']['p50']} / {s['update_latency_ms']['p99']}",
            _all_events(s),
            f"{s['cpu_pct']['gui']} / {s['cpu_pct']['engine']}",
            f"{s['gui']['rss_mb']} / {s['engine']['rss_mb']}",
            f"{s['gui']['fds']} / {s['engine']['fds']}",
        ]
        for s in r["sizes"]
    ]
    met = r["met_at_200"]
    targets = r["targets_at_200"]
    what_if = [
        [
            w["what"],
            w["status_events_per_s"],
            f"{w['loop_lag_ms']['p50']} / {w['loop_lag_ms']['p99']}",
            f"{w['update_latency_ms']['p50']} / {w['update_latency_ms']['p99']}",
            f"{w['cpu_pct']['gui']}",
        ]
        for w in r.get("what_if_at_largest", {}).values()
    ]
    return "\n\n".join(
        [
            table(
                [
                    "sessions",
                    "status events/s reached",
                    "loop lag p50 / p99 (ms)",
                    "event → model update p50 / p99 (ms)",
                    "the same, all events (ms)",
                    "CPU % GUI / engine",
                    "RSS MB GUI / engine",
                    "open files GUI / engine",
                ],
                rows,
            ),
            f"Targets at 200 sessions: loop lag p99 < {targets['loop_lag_p99_ms']:g} ms: "
            f"{ok(met['loop_lag_p99_ms'])}; update latency p99 < "
            f"{targets['update_latency_p99_ms']:g} ms: {ok(met['update_latency_p99_ms'])}. "
            f"{LOAD_NOTE}"
            + (
                ""
                if "loadavg_1m" in r["sizes"][-1]
                else " This table is the last full run, made before the engine batching "
                "and on a quiet machine (no load recorded); the A/B below measures before "
                "and after in the same minutes on the loaded machine of this run."
            ),
            "Upper bound at the largest size (patched in the benchmark process only; "
            "the app is unchanged): what the loop would do with no store work at all.",
            table(
                [
                    "change",
                    "status events/s",
                    "loop lag p50 / p99 (ms)",
                    "update p50 / p99 (ms)",
                    "CPU % GUI",
                ],
                what_if,
            ),
        ]
    )


def backup(r: dict[str, Any]) -> str:
    rows = [
        [
            s["store_mb"],
            s["backup_ms"],
            s.get("backup_cpu_ms", "–"),
            s["restore_ms"],
            s["copy_ms"],
            s["copy_fsync_ms"],
            f"{s['backup_vs_copy_fsync']:g}×",
            f"{s['restore_vs_copy_fsync']:g}×",
        ]
        for s in r["sizes"]
    ]
    phases = [[s["store_mb"], *(s["backup_phases_ms"][k] for k in PHASES)] for s in r["sizes"]]
    return "\n\n".join(
        [
            table(
                [
                    "store (MB)",
                    "backup (ms)",
                    "backup, CPU time (ms)",
                    "restore (ms)",
                    "plain copy (ms)",
                    "copy + fsync (ms)",
                    "backup ÷ copy+fsync",
                    "restore ÷ copy+fsync",
                ],
                rows,
            ),
            _backup_target(r),
            "Where a backup's time goes (ms, each step alone on the same bytes):",
            table(["store (MB)", *PHASES], phases),
        ]
    )


PHASES = ("snapshot", "check", "seal", "write", "verify")


def _backup_target(r: dict[str, Any]) -> str:
    five = min(r["sizes"], key=lambda s: abs(s["store_mb"] - 5))
    ratio = five["backup_vs_copy_fsync"]
    return (
        f"Target: a backup of a 5 MB store ≤ 3× copy + fsync: {ok(ratio <= 3)} "
        f"({ratio:g}× at {five['store_mb']} MB). The guarantee is unchanged: the plaintext "
        "passes one SQLite integrity check with a paired device, and the written file is "
        "read back and compared byte for byte with the sealed bytes (equal bytes carry the "
        "same GCM tag, which authenticates them to the checked plaintext) before it gets "
        "its name (before: the same bytes checked three times, then decrypted and hashed "
        "again)."
    )


def startup(r: dict[str, Any]) -> str:
    rows = []
    for kind in ("source", "frozen"):
        run = r.get(kind)
        if not run:
            rows.append([kind, "not measured", "", "", ""])
            continue
        rows.append(
            [
                kind,
                run["first"].get("window_mapped_s", run["first"]["window_shown_s"]),
                run["median"].get("window_mapped_s", run["median"]["window_shown_s"]),
                run["first"]["three_connected_s"],
                run["median"]["three_connected_s"],
            ]
        )
    shown = table(
        [
            "build",
            "window mapped on X, first launch (s)",
            "window mapped on X, median (s)",
            "three numbers connected, first (s)",
            "three connected, median (s)",
        ],
        rows,
    )
    counted = r.get("instructions")
    if not counted:
        return shown
    return (
        f"{shown}\n\nInstructions executed from process start to the window shown "
        f"(valgrind's callgrind, dumped at that moment; bytecode cached): "
        + ", ".join(
            f"{label} {counted[k] / 1e6:,.0f} M ({counted[k + '_vs_bare']:g}×)"
            for k, label in (("source", "app from source"), ("frozen", "frozen app"))
            if k in counted
        )
        + f", bare PySide6 window {counted['bare_pyside6'] / 1e6:,.0f} M. The frozen app "
        "reads its modules from its compressed archive (~0.5 M instructions more per "
        "module than cached bytecode); collecting the start's modules as plain .pyc "
        "files would save up to 10 % of it but grow the bundle by 2–14 MB. Timed "
        "ratios on this shared 2-core machine move by a third from run to run (the bare "
        "window's as much as the app's); this count hardly moves (bench/callgrind.py), so "
        "it shows what a change to the start-up really costs."
    )


def engine(r: dict[str, Any]) -> str:
    rows = [
        [c["sessions"], c["all_connected_s_median"], c["all_connected_s_max"], c["engine_back_s"]]
        for c in r["crash_recovery"]
    ]
    mem = r.get("memory_simulated", {})
    return "\n\n".join(
        [
            table(
                [
                    "sessions",
                    "kill -9 → all connected, median (s)",
                    "max (s)",
                    "engine process back (s)",
                ],
                rows,
            ),
            f"Engine process with {mem.get('sessions')} simulated sessions: "
            f"{mem.get('engine_rss_mb')} MB RSS ({mem.get('per_session_kb')} KB per session), "
            f"{mem.get('engine_fds')} open files. The shipped policy counts a crash as one "
            "failure, so the ~1 s is the first backoff step (1 s ± 20 %), not the restart.",
        ]
    )


def api(r: dict[str, Any]) -> str:
    rows = [
        [
            run["path"],
            run.get("sessions", 1),
            run["concurrency"],
            run["requests_per_s"],
            run["p50_ms"],
            run["p99_ms"],
            run["errors"],
        ]
        for run in r["runs"]
    ]
    return (
        table(
            ["request", "sessions", "in flight", "requests/s", "p50 (ms)", "p99 (ms)", "errors"],
            rows,
        )
        + f"\n\nClient: {r.get('client', '?')}."
    )


def chaos(r: dict[str, Any] | None, fuzz: dict[str, Any] | None) -> str:
    parts = []
    if r:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(r["faults"].items()))
        endings = ", ".join(f"{k} {v}" for k, v in sorted(r["endings"].items()))
        checks = ", ".join(f"{k} {v}" for k, v in sorted(r["checks"].items()))
        parts.append(
            table(
                ["runs", "faults injected", "kill -9 of the app", "invariant checks", "violations"],
                [
                    [
                        r["runs"],
                        r["faults_total"],
                        r["kills_total"],
                        sum(r["checks"].values()),
                        r["invariant_violations"],
                    ]
                ],
            )
        )
        jobs = r.get("jobs", 1)
        seeds = ", ".join(str(s) for s in r.get("seeds", [r["config"]["seed"]]))
        parts.append(
            f"Long version: `.venv/bin/python -m tests.chaos.campaign --runs {r['runs']} "
            f"--sessions {r['config']['sessions']} --steps {r['config']['steps']}"
            + (
                f" --jobs {jobs}` ({jobs} campaigns side by side, seeds {seeds}, "
                if jobs > 1
                else f"` (seed {seeds}, "
            )
            + f"{r['seconds'] / 60:.0f} min, disk-full by {r['disk_mode']}, key store: "
            f"{r['key_mode']}).\n\n- Faults: {faults}.\n- Endings of the app's lives: {endings}."
            f"\n- Checks: {checks}."
        )
        notes = r.get("notes", {})
        owner = ", ".join(f"{k} {v}" for k, v in sorted(r.get("owner_actions", {}).items()))
        logged = sum(v for k, v in notes.items() if k.startswith("logged_exception"))
        parts.append(
            "What the owner had to do afterwards, with the fault that legitimately needed "
            "it (a number needing the owner after any other fault is a violation, and so "
            f"is a logged exception the injected fault does not explain): {owner or 'nothing'}."
            f" Exceptions caught and logged by the app, each explained by its fault: {logged};"
            " backups asked for on a full disk were answered "
            f"{', '.join(f'{k[-3:]} × {v}' for k, v in notes.items() if 'full_disk' in k)}."
        )
        for title, items in (("Violations", r["violations"]), ("Anomalies", r.get("anomalies"))):
            if items:
                parts.append(f"{title}:\n\n" + "\n".join(f"- {v}" for v in items))
    else:
        parts.append("The long campaign has not been run yet (`bench/run.py --chaos`).")
    if fuzz:
        parts.append(
            f"API fuzz (`{fuzz['test']}`, schemathesis, negative and positive data): "
            f"{fuzz['requests']} requests over {fuzz['operations_x_modes']} operation × mode "
            f"runs, {fuzz['failing']} failing; pytest {fuzz['pytest']}."
        )
    return "\n\n".join(parts)


def mutation(r: dict[str, Any] | None) -> str:
    if not r or "after" not in r:
        return "Not run yet (`nice -n 10 .venv/bin/python bench/mutation.py`)."
    before = r.get("before", {})
    rows = []
    for module, row in sorted(r["after"].items()):
        was = before.get(module, {}).get("score_percent")
        now = row["score_percent"]
        every = row.get("sampled_every", 1)
        rows.append(
            [
                f"`{module}`",
                row["mutants"]
                if every == 1
                else f"{row['mutants']} (1 in {every} of {row['mutants_in_module']})",
                "—" if was is None else f"{was} %",
                "not run" if now is None else f"{now} %",
                "—" if now is None else row["survived"] + row["no_tests"],
            ]
        )
    head = ["module", "mutants", "score before", "score after", "survivors"]
    return table(head, rows) + "\n\n" + str(r.get("note", ""))


def outbox(r: dict[str, Any]) -> str:
    a, c, d, w = r["accept"], r["reconnect"], r["drain"], r["webhooks"]
    first, last, peak = d["app_rss_mb_first_last_max"]
    return "\n".join(
        [
            "| what | figure |",
            "| --- | --- |",
            f"| accepted into the outbox, 1 caller / 32 at once | {a['concurrency_1_per_s']} / "
            f"{a['concurrency_32_per_s']} msgs/s (fsync per message) |",
            f"| connected again → first queued message sent (median / max of {c['rounds']}) | "
            f"{c['median_s']} s / {c['max_s']} s; target ≤ {c['target_s']} s: "
            f"{ok(c['max_s'] <= c['target_s'])} |",
            f"| {d['messages']:,} queued messages drained (no pacing) | {d['drain_s']} s "
            f"({d['drain_per_s']} msgs/s); app RSS {first} → {last} MB (peak {peak}); "
            f"outbox files {d['outbox_files_mb_last']} MB |",
            f"| webhook events delivered to a loopback receiver | {w['per_s']} events/s |",
        ]
    )


SECTIONS = (
    ("1. Scale of the pool (window offscreen, table model live)", "pool", pool),
    ("2. Recovery after a 10-minute outage, against the peers' policies", "recovery", recovery),
    ("2b. Network back → first dial, through the OS notification", "network", network),
    ("3. Backup and restore against a plain file copy", "backup", backup),
    ("4. Start-up", "startup", startup),
    ("5. Engine crash recovery (kill -9 of the engine process)", "engine", engine),
    ("6. Local API", "api", api),
    ("7. Outbox", "outbox", outbox),
)


def render(results: dict[str, Any], machine: dict[str, Any]) -> str:
    out = [
        "# Benchmarks and the reliability campaign",
        "",
        "Generated by `bench/run.py` from `bench/results/*.json` (do not edit by hand). "
        "The benchmarks are not part of the test suite.",
        "",
        "```sh",
        f"{COMMAND}                 # every benchmark, then this file (~6 min)",
        f"{COMMAND} --only backup   # or pool network recovery startup engine api fuzz …",
        f"{COMMAND} --soak --chaos  # also the 2-h soaks and the long chaos campaign",
        f"{COMMAND} --readme        # only rewrite this file from the results",
        "```",
        "",
        f"Machine: {machine['cpu']}, {machine['ram_gb']} GB RAM, {machine['os']}, "
        f"Python {machine['python']}.",
        "",
    ]
    out += [
        "## Targets",
        "",
        "This machine is shared (2 cores; other sessions' test suites run beside the "
        "benchmarks), so every result records the load average while it ran: timings "
        "taken at a load of 5–9 on 2 cores are upper bounds, and the CPU-bound ones "
        "(loop lag, backup) suffer most.",
        "",
        targets(results),
        "",
    ]
    if "api" in results and "api_sessions" in results:
        merged = dict(results["api"])
        merged["runs"] = [*results["api"]["runs"], *results["api_sessions"]["runs"]]
        results = {**results, "api": merged}
    for title, key, fn in SECTIONS:
        out += [f"## {title}", ""]
        if key in results:
            out += [fn(results[key]), "", f"_Ran on: {ran_on(results[key])}._", ""]
            if (pair := results.get(f"{key}_ab")) is not None:
                out += [ab(pair), "", f"_Ran on: {ran_on(pair)}._", ""]
        else:
            out += [f"Not measured yet (`{COMMAND} --only {key}`).", ""]
    out += ["## Reliability campaign", "", chaos(results.get("chaos"), results.get("fuzz")), ""]
    out += [
        "Short version in CI: `tests/chaos` (marker `chaos`, ~30 s, part of "
        "`./scripts/test.sh`); the same campaign longer: `LILA_CHAOS_RUNS=200 "
        ".venv/bin/pytest tests/chaos -m chaos`.",
        "",
        "### Soak",
        "",
        soak(results.get("soak")),
        "",
        "### What grows: the app's heap under tracemalloc",
        "",
        heap(results.get("soak_heap")),
        "",
        arenas_ab(results.get("soak_ab_before"), results.get("soak_ab_after")),
        "",
    ]
    out += ["## Mutation testing (on demand)", "", mutation(results.get("mutation")), ""]
    out += [NOTES]
    return "\n".join(out) + "\n"
