"""Formatting helpers shared by the bench README's sections (bench/report.py)."""

from __future__ import annotations

from typing import Any


def table(head: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def ran_on(result: dict[str, Any]) -> str:
    m = result.get("machine") or {}
    line = f"{m.get('platform', '?')}, {m.get('cpus', '?')} CPUs, Python {m.get('python', '?')}"
    load = load_of(result)
    if load:
        line += f"; load average (1 min) during the run: {load}"
    return line


def load_of(result: dict[str, Any]) -> str:
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


def ok(flag: bool) -> str:
    return "met" if flag else "**missed**"
