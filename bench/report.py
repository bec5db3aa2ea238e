"""bench/README.md from the results files: one Markdown table per benchmark.

Only figures from bench/results/*.json appear in the tables; the words around
them say what was measured and how to read it (and where a target is missed,
why). `bench/run.py` calls `render`.
"""

from __future__ import annotations

import statistics
from typing import Any

COMMAND = ".venv/bin/python bench/run.py"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _machine(result: dict[str, Any]) -> str:
    m = result.get("machine") or {}
    line = f"{m.get('platform', '?')}, {m.get('cpus', '?')} CPUs, Python {m.get('python', '?')}"
    load = _load(result)
    if load:
        line += f"; load average (1 min) during the run: {load}"
    return line


def _load(result: dict[str, Any]) -> str:
    """The machine's load while a benchmark ran, if it was recorded (shared machine)."""
    m = result.get("machine") or {}
    found: list[float] = []
    for key in ("loadavg_1m_start", "loadavg_1m_end"):
        if isinstance(m.get(key), int | float):
            found.append(float(m[key]))
    for key in ("loadavg_1m",):
        value = result.get(key)
        if isinstance(value, int | float):
            found.append(float(value))
        elif isinstance(value, list):
            found += [float(v) for v in value]
    rows = [
        *(result.get("sizes") or []),
        *(result["runs"] if isinstance(result.get("runs"), list) else []),
    ]
    for row in [*rows, *(result.get("pool") or {}).values()]:
        value = row.get("loadavg_1m") if isinstance(row, dict) else None
        if isinstance(value, int | float):
            found.append(float(value))
        elif isinstance(value, list):
            found += [float(v) for v in value]
    if not found:
        return ""
    return f"{min(found):g}–{max(found):g} on {m.get('cpus', '?')} CPUs"


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
    "three engine requests and a snapshot publish; the status is published "
    "before those actions run, the vault skips stores that provably did not "
    "change, the model update is coalesced per 16 ms frame, and the engine "
    "requests and answers of one loop iteration share one pipe write each way. "
    "Loop lag is CPU-bound: on a shared machine (see the load column of the "
    "targets table) it measures the scheduler as much as the app. Earlier: the "
    "table re-measured every row on each change (lag p99 1.8 s), then the status "
    "waited for the seal/backup of each drop (update p99 149 ms)."
)


def recovery(r: dict[str, Any]) -> str:
    def rows(scenario: dict[str, Any]) -> list[list[Any]]:
        out = []
        for p in scenario["policies"].values():
            first = (
                f"{p['first_dial_s_median']} / {p['first_dial_s_p95']}"
                if "first_dial_s_median" in p
                else "–"
            )
            out.append(
                [
                    p["label"],
                    first,
                    f"{p['reconnect_s_median']} / {p['reconnect_s_p95']}",
                    f"{p['attempts_median']:g}",
                    f"{p.get('dials_to_recover_median', p['attempts_median'] + 1):g}",
                    f"{p['reconnect_vs_ours']:g}×",
                ]
            )
        return out

    head = [
        "policy",
        "network up → first dial, median / p95 (s)",
        "network up → connected, median / p95 (s)",
        "dials during the outage",
        "dials in all (outage + recovery)",
        "time ÷ ours",
    ]
    dial = r["neonize_offline_dial"]["median_s"] * 1000
    fast, hang = r["dns_fails_fast"], r["dials_hang"]
    ours = fast["policies"]["ours"]
    signal = r.get("os_signal_s")
    intro = (
        f"Trace `bench/traces/{r['trace']}`: a {r['outage_s'] / 60:g}-minute outage, "
        f"replayed on a virtual clock over {r['seeds']} seeds. A dial during the outage "
        f"fails after {dial:.1f} ms (a real neonize dial, offline, measured here); once "
        f"the network is back a dial connects in {r['connect_s']:g} s (assumed: the "
        "handshake cannot be measured here)."
    )
    if signal is not None:
        intro += (
            f" The OS reports the link {signal * 1000:.0f} ms after it changes "
            f"({r.get('os_signal_source', 'measured')}). Targets: network up → first "
            f"connect attempt ≤ 100 ms: {_ok(ours['first_dial_s_median'] <= 0.1)} "
            f"({ours['first_dial_s_median'] * 1000:.0f} ms); recovery after the outage = one "
            f"dial: {_ok(ours.get('dials_to_recover_median', 99) <= 1)} "
            f"({ours.get('dials_to_recover_median', '?'):g})."
        )
    return "\n\n".join(
        [
            intro,
            _table(head, rows(fast)),
            f"Sensitivity: the same trace when each dial hangs {hang['dial_fail_s']:g} s "
            "before failing (a network that drops packets instead of failing DNS):",
            _table(head, rows(hang)),
        ]
    )


def network(r: dict[str, Any]) -> str:
    rows = [
        [
            size,
            v["runs"],
            f"{v['first_dial']['median_ms']} / {v['first_dial']['max_ms']}",
            f"{v['last_dial']['median_ms']} / {v['last_dial']['max_ms']}",
            f"{v['all_connected']['median_ms']} / {v['all_connected']['max_ms']}",
            v["offline_dials_max"],
            v["dials_to_recover_max"],
        ]
        for size, v in r["pool"].items()
    ]
    w = r["watcher"]
    first = r["pool"].get("1", {}).get("first_dial", {}).get("median_ms")
    verdict = "" if first is None else f" Target ≤ 100 ms: {_ok(first <= 100)} ({first} ms)."
    return "\n\n".join(
        [
            "The real pool and engine process (simulated WhatsApp) fed by the netlink "
            "watcher, in a private network namespace (`unshare -n`): a veth link carries "
            "the default route; it goes down, the numbers drop and wait (no dial while the "
            "OS says offline), then the link and its route come back. Timed from just "
            "before `ip link set up` (two `ip` process launches are inside the figure) to "
            "the engine's first and last `start` request and to every number connected." + verdict,
            _table(
                [
                    "numbers",
                    "runs",
                    "link up → first dial, median / max (ms)",
                    "→ last dial (ms)",
                    "→ all connected (ms)",
                    "dials while offline (max)",
                    "dials to recover (max)",
                ],
                rows,
            ),
            f"Link change → netlink report alone: median {w['median_ms']} ms, max "
            f"{w['max_ms']} ms over {w['changes']} changes (admin down/up, carrier lost/back). "
            "In the window the same signal comes from Qt's network information backend "
            "(GLib's monitor here; NetworkManager, Windows' Network List Manager, macOS "
            "elsewhere), tested in the same namespace by tests/unit/services/"
            "test_network_netns.py.",
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
            _table(
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
            _table(["store (MB)", *PHASES], phases),
        ]
    )


PHASES = ("snapshot", "check", "seal", "write", "verify")


def _backup_target(r: dict[str, Any]) -> str:
    five = min(r["sizes"], key=lambda s: abs(s["store_mb"] - 5))
    ratio = five["backup_vs_copy_fsync"]
    return (
        f"Target: a backup of a 5 MB store ≤ 3× copy + fsync: {_ok(ratio <= 3)} "
        f"({ratio:g}× at {five['store_mb']} MB). The guarantee is unchanged: the plaintext "
        "passes one SQLite integrity check with a paired device, and the written file is "
        "read back and authenticated by its GCM tag (and compared) before it gets its name "
        "(before: the same bytes checked three times and decrypted and hashed again)."
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
        owner = ", ".join(
            f"{k.replace('_', ' ')} {v}"
            for k, v in sorted(notes.items())
            if k.startswith(("restored_", "owner_pressed"))
        )
        logged = sum(v for k, v in notes.items() if k.startswith("logged_exception"))
        parts.append(
            f"What the owner had to do afterwards (expected for logouts, corrupt stores, "
            f"a second 'replaced', 'outdated'): {owner}. Exceptions caught and logged by the "
            f"app (not unhandled): {logged}; backups asked for on a full disk were answered "
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
    ("2b. Network back → first dial, through the OS notification", "network", network),
    ("3. Backup and restore against a plain file copy", "backup", backup),
    ("4. Start-up", "startup", startup),
    ("5. Engine crash recovery (kill -9 of the engine process)", "engine", engine),
    ("6. Local API", "api", api),
)


def ab(r: dict[str, Any]) -> str:
    """Before/after in the same minutes: main's code against this branch's, alternating."""
    keys = [k for k in r["i18"] if k != "loadavg_1m"]
    rows = [
        [k.replace("_", " "), r["main"][k], r["i18"][k], f"{r['i18'][k] / r['main'][k]:.2f}×"]
        for k in keys
        if r["main"].get(k)
    ]
    rows.append(["load average (1 min)", r["main"]["loadavg_1m"], r["i18"]["loadavg_1m"], ""])
    return f"Before → after, {r['what']} (medians):\n\n" + _table(
        ["figure", "before (main)", "after", "after ÷ before"], rows
    )


def targets(results: dict[str, Any]) -> str:
    """Every target of the issue with its figure, met or not, and how loaded the machine was."""
    rows: list[list[Any]] = []

    def row(what: str, target: str, figure: str, met: bool | None, key: str) -> None:
        verdict = "not measured" if met is None else _ok(met)
        load = _load(results[key]) if key in results else ""
        rows.append([what, target, figure, verdict, load or "–"])

    net = results.get("network", {}).get("pool", {}).get("1")
    row(
        "network up → first connect attempt",
        "≤ 100 ms",
        f"{net['first_dial']['median_ms']} ms median (max {net['first_dial']['max_ms']})"
        if net
        else "–",
        None if net is None else net["first_dial"]["median_ms"] <= 100,
        "network",
    )
    rec = results.get("recovery", {}).get("dns_fails_fast", {}).get("policies", {}).get("ours")
    dials = rec.get("dials_to_recover_median") if rec else None
    row(
        "dials to recover from a 10-minute outage",
        "1",
        "–"
        if dials is None
        else f"{dials:g} (first dial {rec['first_dial_s_median'] * 1000:.0f} ms"
        " after the network is back)",
        None if dials is None else dials <= 1,
        "recovery",
    )
    pool = results.get("pool")
    at200 = pool["sizes"][-1] if pool else None
    old = at200 is not None and "loadavg_1m" not in at200
    when = " (last full run, before the batching, quiet machine; A/B in section 1)" if old else ""
    row(
        "GUI loop lag p99, 200 flapping numbers",
        "< 10 ms",
        f"{at200['loop_lag_ms']['p99']} ms{when}" if at200 else "–",
        None if at200 is None else at200["loop_lag_ms"]["p99"] < 10,
        "pool",
    )
    row(
        "update latency p99, 200 numbers",
        "< 50 ms",
        f"{at200['update_latency_ms']['p99']} ms{when}" if at200 else "–",
        None if at200 is None else at200["update_latency_ms"]["p99"] < 50,
        "pool",
    )
    backup = results.get("backup")
    five = min(backup["sizes"], key=lambda x: abs(x["store_mb"] - 5)) if backup else None
    pair = results.get("backup_ab")
    if five is not None and pair is not None:
        # One run on a loaded machine is noise: every run of this code counts.
        mine = [five["backup_vs_copy_fsync"]] + [
            x["backup_vs_copy_fsync"] for x in pair["runs"] if x["side"] != "main"
        ]
        before = [x["backup_vs_copy_fsync"] for x in pair["runs"] if x["side"] == "main"]
        ratio = statistics.median(mine)
        figure = (
            f"{ratio:g}× (median of {len(mine)} runs: {', '.join(f'{x:g}' for x in mine)}; "
            f"before: {', '.join(f'{x:g}' for x in before)}); CPU per backup "
            f"{pair['main']['backup_cpu_ms']:g} → {pair['i18']['backup_cpu_ms']:g} ms"
        )
        row("backup of a 5 MB store ÷ copy + fsync", "≤ 3×", figure, ratio <= 3, "backup_ab")
    else:
        row(
            "backup of a 5 MB store ÷ copy + fsync",
            "≤ 3×",
            f"{five['backup_vs_copy_fsync']:g}×" if five else "–",
            None if five is None else five["backup_vs_copy_fsync"] <= 3,
            "backup",
        )
    bundle = results.get("bundle")
    row(
        "frozen bundle size (Linux)",
        "≤ 150 MB",
        f"{bundle['mb']} MiB ({bundle['largest_mb']['PySide6/Qt/lib/libicudata.so.73']} of them "
        "ICU's data)"
        if bundle
        else "not measured",
        None if bundle is None else bundle["mb"] <= 150,
        "bundle",
    )
    row(
        "process start → window mapped ÷ bare PySide6",
        "≤ 2.5×",
        "not measured in this run (3.7× before: 1.03 s vs 0.28 s)",
        None,
        "startup",
    )
    chaos = results.get("chaos")
    row(
        "chaos campaign: faults / kill -9 of the app",
        "≥ 10,000 / ≥ 500",
        f"{chaos['faults_total']} / {chaos['kills_total']}" if chaos else "–",
        None if chaos is None else chaos["faults_total"] >= 10_000 and chaos["kills_total"] >= 500,
        "chaos",
    )
    fuzz = results.get("fuzz")
    row(
        "API fuzz: requests, 5xx",
        "≥ 10,000, 0",
        f"{fuzz['requests']}, {fuzz['failing']} failing" if fuzz else "–",
        None if fuzz is None else fuzz["requests"] >= 10_000 and fuzz["failing"] == 0,
        "fuzz",
    )
    soak = results.get("soak")
    row(
        "soak duration",
        "≥ 2 h",
        f"{soak['minutes']:g} min" if soak else "–",
        None if soak is None else soak["minutes"] >= 120,
        "soak",
    )
    return _table(["figure", "target", "measured", "verdict", "machine load (1 min)"], rows)


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
        f"{COMMAND} --soak --chaos  # also the 30-min soak and the long chaos campaign",
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
            out += [fn(results[key]), "", f"_Ran on: {_machine(results[key])}._", ""]
            if f"{key}_ab" in results:
                out += [
                    ab(results[f"{key}_ab"]),
                    "",
                    f"_Ran on: {_machine(results[f'{key}_ab'])}._",
                    "",
                ]
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
  keep-alive interval), the same draw for every policy. Ours gets
  NetworkDown/NetworkUp from the OS (netlink headless, Qt's backend in the
  window) the measured notification time (2b) after the link changes; while
  the OS says offline its retries wait (after 15 min they dial anyway, in
  case the OS is wrong), so the outage costs no dial and the recovery one.
  Where the OS sees nothing (the router's uplink fails, the link stays up)
  the DNS probe row applies.
- **Item 2b** is the real thing in a network namespace: kernel, netlink,
  pool, engine process.
- **Item 3**: the vault's backup copies the live store's pages in one read
  transaction (mmap, no second database), checks the plaintext once (SQLite
  integrity, a paired device), seals it, writes and fsyncs it, and verifies
  the written file by reading it back and authenticating its GCM tag (plus a
  byte comparison); rotation's deletions are not fsynced (a lost deletion
  brings back an old valid backup). The floor is the same bytes copied
  durably (copy + fsync). Before: the store copied through SQLite's backup
  API into a second database, the plaintext checked three times and the
  read-back decrypted, checked and hashed again.
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
    its last fault was a drop or a network flap. Found and fixed: a drop
    while the store is locked past SQLite's 5 s busy timeout (a write of the
    engine, a seal, a kill -9 leaving a hot journal) made the reconnect
    report "database is locked" as a damaged store: the simulated transport
    (unlike the real adapter) and the vault's snapshot took every SQLite
    error but "busy" for damage, so the good store was set aside. Only
    SQLITE_CORRUPT / SQLITE_NOTADB now count as damage; the other way the
    same lock went wrong (the start raised, leaving the number
    "reconnecting" with no retry) now backs off and retries.
    Regression test: tests/unit/services/test_store_busy.py;
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
