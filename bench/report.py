"""bench/README.md from the results files: one Markdown table per benchmark.

Only figures from bench/results/*.json appear in the tables; the words around
them say what was measured and how to read it (and where a target is missed,
why). `bench/run.py` calls `render`.
"""

from __future__ import annotations

from typing import Any

COMMAND = ".venv/bin/python bench/run.py"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _machine(result: dict[str, Any]) -> str:
    m = result.get("machine") or {}
    return f"{m.get('platform', '?')}, {m.get('cpus', '?')} CPUs, Python {m.get('python', '?')}"


def _ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def pool(r: dict[str, Any]) -> str:
    rows = [
        [
            s["sessions"],
            s["status_events_per_s"],
            f"{s['loop_lag_ms']['p50']} / {s['loop_lag_ms']['p99']}",
            f"{s['update_latency_ms']['p50']} / {s['update_latency_ms']['p99']}",
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
            _table(
                [
                    "sessions",
                    "status events/s reached",
                    "loop lag p50 / p99 (ms)",
                    "event → model update p50 / p99 (ms)",
                    "CPU % GUI / engine",
                    "RSS MB GUI / engine",
                    "open files GUI / engine",
                ],
                rows,
            ),
            f"Targets at 200 sessions: loop lag p99 < {targets['loop_lag_p99_ms']:g} ms: "
            f"{_ok(met['loop_lag_p99_ms'])}; update latency p99 < "
            f"{targets['update_latency_p99_ms']:g} ms: {_ok(met['update_latency_p99_ms'])}. "
            f"{LOAD_NOTE}",
            "Upper bound at the largest size (patched in the benchmark process only; "
            "the app is unchanged): what the loop would do with no store work at all.",
            _table(
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


LOAD_NOTE = (
    "The rate column is what the GUI process absorbed: the load generator "
    "offers ~5 status events/s per number (1000/s at 200) and one Python thread "
    "handles them all. Per status event the GUI process runs the policy, one to "
    "three engine round trips and a snapshot publish; the status is published "
    "before those actions run, the vault skips stores that provably did not "
    "change, and the model update is coalesced per 16 ms frame. At 200 numbers "
    "the update target is met; loop lag p99 is 1.7x its target on two cores "
    "(run-to-run spread on this shared machine is about +-40 %). Earlier: the "
    "table re-measured every row on each change (lag p99 1.8 s), then the status "
    "waited for the seal/backup of each drop (update p99 149 ms)."
)


def recovery(r: dict[str, Any]) -> str:
    def rows(scenario: dict[str, Any]) -> list[list[Any]]:
        out = []
        for p in scenario["policies"].values():
            out.append(
                [
                    p["label"],
                    f"{p['reconnect_s_median']} / {p['reconnect_s_p95']}",
                    f"{p['attempts_median']:g}",
                    f"{p['attempts_vs_ours']:g}×",
                    f"{p['reconnect_vs_ours']:g}×",
                ]
            )
        return out

    head = [
        "policy",
        "network up → connected, median / p95 (s)",
        "connect attempts during the outage",
        "attempts ÷ ours",
        "time ÷ ours",
    ]
    dial = r["neonize_offline_dial"]["median_s"] * 1000
    fast, hang = r["dns_fails_fast"], r["dials_hang"]
    return "\n\n".join(
        [
            f"Trace `bench/traces/{r['trace']}`: a {r['outage_s'] / 60:g}-minute outage, "
            f"replayed on a virtual clock over {r['seeds']} seeds. A dial during the outage "
            f"fails after {dial:.1f} ms (a real neonize dial, offline, measured here); once "
            f"the network is back a dial connects in {r['connect_s']:g} s.",
            _table(head, rows(fast)),
            f"Sensitivity: the same trace when each dial hangs {hang['dial_fail_s']:g} s "
            "before failing (a network that drops packets instead of failing DNS):",
            _table(head, rows(hang)),
        ]
    )


def backup(r: dict[str, Any]) -> str:
    rows = [
        [
            s["store_mb"],
            s["backup_ms"],
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
            _table(
                [
                    "store (MB)",
                    "backup (ms)",
                    "restore (ms)",
                    "plain copy (ms)",
                    "copy + fsync (ms)",
                    "backup ÷ copy+fsync",
                    "restore ÷ copy+fsync",
                ],
                rows,
            ),
            "Where a backup's time goes (ms, each step alone on the same bytes):",
            _table(["store (MB)", *PHASES], phases),
        ]
    )


PHASES = ("snapshot", "check", "seal", "write", "verify")


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
                run["first"]["window_shown_s"],
                run["median"]["window_shown_s"],
                run["first"]["three_connected_s"],
                run["median"]["three_connected_s"],
            ]
        )
    return _table(
        [
            "build",
            "window shown, first launch (s)",
            "window shown, median (s)",
            "three numbers connected, first (s)",
            "three connected, median (s)",
        ],
        rows,
    )


def engine(r: dict[str, Any]) -> str:
    rows = [
        [c["sessions"], c["all_connected_s_median"], c["all_connected_s_max"], c["engine_back_s"]]
        for c in r["crash_recovery"]
    ]
    mem = r.get("memory_simulated", {})
    return "\n\n".join(
        [
            _table(
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
        _table(
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
            _table(
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
        parts.append(
            f"Long version: `.venv/bin/python -m tests.chaos.campaign --runs {r['config']['runs']} "
            f"--sessions {r['config']['sessions']}` (seed {r['config']['seed']}, "
            f"{r['seconds'] / 60:.0f} min, disk-full by {r['disk_mode']}, key store: "
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
        rows.append(
            [
                f"`{module}`",
                row["mutants"],
                "—" if was is None else f"{was} %",
                "not run" if now is None else f"{now} %",
                "—" if now is None else row["survived"] + row["no_tests"],
            ]
        )
    table = _table(["module", "mutants", "score before", "score after", "survivors"], rows)
    return table + "\n\n" + str(r.get("note", ""))


def soak(r: dict[str, Any] | None) -> str:
    if not r:
        return "The soak has not been run yet (`bench/run.py --soak`)."
    rows = []
    for role in ("app", "engine"):
        s = r.get(role)
        if s:
            rows.append(
                [
                    role,
                    f"{s['rss_mb_first_third']:.1f} → {s['rss_mb_last_third']:.1f} "
                    f"({s['rss_growth_pct']:+g} %)",
                    s["rss_mb_per_hour"],
                    f"{s['fds_first_third']:g} → {s['fds_last_third']:g} (max {s['fds_max']:g})",
                    s["threads_max"],
                ]
            )
    skipped = sum(v for k, v in r["faults"].items() if k.endswith("_409"))
    faults = ", ".join(
        f"{k.removesuffix('_200')} {v}"
        for k, v in sorted(r["faults"].items())
        if not k.endswith("_409")
    )
    faults += f"; {skipped} drops skipped: the number was between two attempts"
    series = r.get("series") or []
    if series:
        connected = sorted(s["connected"] for s in series)
        up = (
            f" Numbers connected at a sample: median {connected[len(connected) // 2]}, "
            f"min {connected[0]}, max {connected[-1]} of {r['sessions']}: a number dropped "
            "every ~20 s never stays up the 60 s that reset its backoff, so the shipped "
            "policy keeps it waiting (up to 60 s) instead of hammering."
        )
        step = max(1, len(series) // 8)
        rss = ", ".join(f"{s['t'] / 60:.0f} min {s['app']['rss_mb']:.0f}" for s in series[::step])
        up += f" App RSS over time (MB): {rss}."
    else:
        up = ""
    return "\n\n".join(
        [
            f"{r['minutes']:g} min, {r['sessions']} numbers, "
            f"{r['faults_total']} faults ({faults}); "
            f"engine restarted {r['engine_restarts']} times ({r['engine_recycles']} of them "
            f"planned recycles). Flat: **{r['flat']}** "
            f"(exit code {r['exit_code']}, {len(r['unhandled_exceptions'])} unhandled "
            f"exceptions, plaintext left: {len(r['plaintext_after_shutdown'])}, "
            f"{r['connected_at_end']}/{r['sessions']} connected at the end).{up}",
            _table(
                [
                    "process",
                    "RSS MB, first → last third",
                    "RSS slope (MB/h)",
                    "open files, first → last third",
                    "threads (max)",
                ],
                rows,
            ),
        ]
    )


SECTIONS = (
    ("1. Scale of the pool (window offscreen, table model live)", "pool", pool),
    ("2. Recovery after a 10-minute outage, against the peers' policies", "recovery", recovery),
    ("3. Backup and restore against a plain file copy", "backup", backup),
    ("4. Start-up", "startup", startup),
    ("5. Engine crash recovery (kill -9 of the engine process)", "engine", engine),
    ("6. Local API", "api", api),
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
        f"{COMMAND} --only backup   # or pool recovery startup engine api api_sessions fuzz",
        f"{COMMAND} --soak --chaos  # also the 30-min soak and the long chaos campaign",
        f"{COMMAND} --readme        # only rewrite this file from the results",
        "```",
        "",
        f"Machine: {machine['cpu']}, {machine['ram_gb']} GB RAM, {machine['os']}, "
        f"Python {machine['python']}.",
        "",
    ]
    if "api" in results and "api_sessions" in results:
        merged = dict(results["api"])
        merged["runs"] = [*results["api"]["runs"], *results["api_sessions"]["runs"]]
        results = {**results, "api": merged}
    for title, key, fn in SECTIONS:
        out += [f"## {title}", ""]
        if key in results:
            out += [fn(results[key]), "", f"_Ran on: {_machine(results[key])}._", ""]
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
    ]
    out += ["## Mutation testing (on demand)", "", mutation(results.get("mutation")), ""]
    out += [NOTES]
    return "\n".join(out) + "\n"


NOTES = """## How to read these figures

- **Item 1** runs in one process exactly as the window does (qasync loop,
  pool, bridge, `MainWindow` with its `SessionTableModel`, offscreen) with
  the real engine process; the policy's delays are the test suite's so that
  numbers can flap this fast. *Loop lag* is how late a 5 ms sleep wakes up;
  *event → model update* runs from the engine's event line reaching the GUI
  process to the end of the model update that shows it.
- **What limits item 1**: per status event the GUI thread runs the policy,
  the engine round trips (stop, start) and the observers; the vault's reads
  of unchanged stores are skipped (a stat proof, `services/vault/quiet.py`)
  and the status is published before the actions. What remains is Python
  work on one thread plus qasync's one Qt timer per callback; the next step
  would be batching engine requests per event burst.
- **Item 2** drives the real `core.policy.transition` on a virtual clock;
  the peers are modelled from their code: Baileys' README example and
  Evolution API reconnect on every close at once, whatsmeow's
  `autoReconnect` waits errors × 2 s (uncapped), WAHA NOWEB waits a fixed
  2 s. Every client notices the drop 0-30 s after the network goes (one
  keep-alive interval), the same draw for every policy.
- **Item 3**: the vault's backup reads the live store twice and checks it
  three times (snapshot, has-device, read-back verify); the floor is the same
  bytes copied durably (copy + fsync).
- **Item 4**: Qt offscreen; the data folder holds three linked numbers and
  the vault key comes from a passphrase (`LILA_VAULT_PASSPHRASE`), whose
  scrypt derivation (~0.5 s by design) is inside "three connected"; with
  the OS keyring that step is a keyring lookup instead.
- **Item 5** measures the shipped policy (1 s first backoff), real engine
  process, simulated WhatsApp.
- **Campaign findings** (no invariant broken in the 200-run campaign; from it
  and two exploratory 120-run campaigns with seed 7):
  - numbers left *stopped* for the owner to press Connect (credentials
    intact, Connect brings them back): 0 times in the 200 runs, 12 and 5
    times in the seed-7 runs. One cause is certain: a kill -9 in the middle
    of a restore (the restore's own stop is saved as "the owner wants it
    off", and the start after it never comes); a restore that fails after
    its stop would leave the same state. Others are not pinned down yet;
  - twice a number came back *failed* (store set aside, restorable) although
    its last fault was a drop or a network flap, not a corrupt store; the
    cause is not established yet (the campaign now keeps the previous life's
    log lines for such cases);
  - one seed-7 run ended with all eight numbers still reconnecting after
    25 s; a rerun of the same seed did not reproduce it. The likely cause is
    the campaign's own: a `network_up` answered 503 while the engine was
    restarting and was not sent again, leaving the simulated network down.
    The campaign now re-sends it until accepted and records the app's last
    log lines with any violation.
- **Soak**: open files and the engine's memory are flat. The app's RSS
  climbs during the first minutes (the worker threads and their malloc
  arenas come up with the load) and then much more slowly; 30 minutes do not
  tell a slow leak from the allocator settling, so the soak should be run
  longer (`--minutes 240`) before a release.
"""
