"""The bench README's soak sections: the plain soak (RSS, handles) and the
heap soak (tracemalloc: what grew), bench/report.py."""

from __future__ import annotations

import re
from typing import Any

from report_format import table


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
            table(
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


def _short(where: str) -> str:
    """`.../site-packages/aiohttp/x.py:1` -> `aiohttp/x.py:1`, and the like."""
    if "/site-packages/" in where:
        return where.split("/site-packages/", 1)[1]
    if "/lila_desktop/" in where:
        return "lila_desktop/" + where.split("/lila_desktop/", 1)[1]
    return re.sub(r"^.*/lib/python3\.\d+/", "", where)  # the standard library


def heap(r: dict[str, Any] | None) -> str:
    if not r or "heap" not in r:
        return (
            "Not run yet (`.venv/bin/python -m tests.chaos.soak --minutes 120 "
            "--tracemalloc-every 600 --out bench/results/soak-heap.json`)."
        )
    h = r["heap"]
    series = ", ".join(f"{s['t_min']:g} min {s['traced_mb']:.2f}" for s in h["series"])
    overhead = h["series"][-1]["tracing_overhead_mb"] if h["series"] else 0
    app = r.get("app", {})
    lines = [
        [
            f"`{row['where']}`",
            f"{row['size_diff_kb']:+.1f}",
            f"{row['size_kb']:.1f}",
            f"{row['count_diff']:+d}",
        ]
        for row in h.get("top_lines", [])[:12]
    ]
    return "\n\n".join(
        [
            f"The same soak ({r['minutes']:g} min, {r['sessions']} numbers, seed {r['seed']}, "
            f"{r['faults_total']} faults) with the app tracing its Python heap from its first "
            "import (`--tracemalloc-every 600`: bench/harness/tracemalloc_site, the app "
            "unmodified) and dumping a snapshot every 10 minutes; the first snapshot is taken "
            f"10 minutes in, after the warm-up. Python heap (MB) at each snapshot: {series}; "
            f"growth first → last: **{h.get('traced_growth_mb', 0):+.2f} MB** "
            f"(tracemalloc's own bookkeeping, not counted: {overhead:.1f} MB). The RSS of this "
            "run includes the tracing and the snapshots "
            f"({app.get('rss_mb_first_third', 0):.1f} → {app.get('rss_mb_last_third', 0):.1f} MB), "
            "so the RSS verdict is the plain soak's above.",
            "Lines whose allocations changed most between the first and the last snapshot:",
            table(["where", "size change (KB)", "size at the end (KB)", "blocks"], lines),
        ]
    )


def arenas_ab(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """The malloc-arena change, soaked side by side (same minutes, same load)."""
    if not before or not after:
        return ""
    rows = []
    for label, r in (("before: glibc's default arenas", before), ("after: 2 arenas + trim", after)):
        a = r["app"]
        rows.append(
            [
                label,
                f"{a['rss_mb_first_third']:.1f} → {a['rss_mb_last_third']:.1f} "
                f"({a['rss_growth_pct']:+g} %)",
                a["rss_mb_per_hour"],
                a["rss_mb_max"],
                a["threads_max"],
            ]
        )
    head = ["app", "RSS MB, first → last third", "RSS slope (MB/h)", "RSS max", "threads"]
    return (
        f"The arena limit (services/memory.py), A/B: two {before['minutes']:g}-minute soaks "
        f"side by side, {before['sessions']} numbers each, the commit before the change and "
        "the change:\n\n" + table(head, rows)
    )
