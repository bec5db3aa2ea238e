"""The engine process seen from the pool: how it is started, how its stderr
is filed, and when it must be recycled (its file handles, parked workers).
`EngineClient` drives it."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
engine_logger = logging.getLogger("lila_desktop.engine")
BOT_TAG_VAR = "NEONIZE_BOT_TAG"  # "off": no <bot biz_bot="1"/> on 1:1 texts
SIM_STATE_VAR = "LILA_SIM_STATE"  # the simulated server's facts (simulated_world.py)
_REDACT = ("pair code", "qr code", "2@")  # never let a code reach the log

# Hazard 15: every link attempt that ends unpaired can park one of the engine's
# 64 workers for good, and a stop abandoned on a stalled dial parks another.
# Recycle long before the executor runs dry (every Go call would hang).
MAX_PARKED_WORKERS = 16
MAX_ABORTED_LINKS = 24


def recycle_reason(stats: Mapping[str, Any], max_fds: int, max_connects: int) -> str | None:
    """Why the engine should be recycled now, from its stats; None if it is fine."""
    parked = int(stats.get("lingering", 0)) + int(stats.get("stop_timeouts", 0))
    checks = (
        (stats["fds"] > max_fds, f"{stats['fds']} file handles"),
        (stats["connects"] > max_connects, f"{stats['connects']} connects"),
        (parked >= MAX_PARKED_WORKERS, f"{parked} workers parked in Go"),
        (
            int(stats.get("aborted_links", 0)) >= MAX_ABORTED_LINKS,
            f"{stats.get('aborted_links')} aborted link attempts",
        ),
    )
    reasons = [why for hit, why in checks if hit]
    return ", ".join(reasons) if reasons else None


WINDOWS_HANDLE_BUDGET = 8192  # Windows has no small per-process limit; this bounds a runaway


def fd_budget(platform: str = sys.platform) -> int:
    """Recycle well before the per-process file limit (macOS: 256).

    Windows reports handles (psutil `num_handles`: files, but also threads,
    events, registry keys — a few hundred at rest, ~20 per session) and
    limits them only at millions: the budget there bounds a leak without
    recycling a busy engine every 30 s."""
    if platform == "win32":
        return WINDOWS_HANDLE_BUDGET
    soft = 512
    if sys.platform != "win32":
        import resource

        with contextlib.suppress(OSError, ValueError):
            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft <= 0 or soft > 4096:
        soft = 4096
    return max(64, soft // 2)


def engine_command(transport: str) -> list[str]:
    """How to start an engine: the frozen app re-runs itself."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--engine", "--transport", transport]
    return [sys.executable, "-m", "lila_desktop", "--engine", "--transport", transport]


def log_engine_line(text: str) -> None:
    """File one stderr line of the engine: our records, or Go's chatter."""
    if not text:
        return
    if any(marker in text.lower() for marker in _REDACT):
        text = text.split(":", 1)[0] + ": [redacted]"
    level_name, _, rest = text.partition("|")
    level = logging.getLevelName(level_name)
    if isinstance(level, int) and "|" in rest:
        name, _, msg = rest.partition("|")
        logging.getLogger(name).log(level, "%s", msg)
    else:
        engine_logger.info("go: %s", text)


def engine_env(
    base: Mapping[str, str], *, bot_label: bool, sim_state: Path | None
) -> dict[str, str]:
    """The environment an engine starts with."""
    env = dict(base)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Read by neonize's Go code from the environment it loads with (hazard 16).
    env[BOT_TAG_VAR] = "on" if bot_label else "off"
    if sim_state is not None:
        env[SIM_STATE_VAR] = str(sim_state)
    return env


def forget_sim_state(path: Path | None) -> None:
    """At the app's start and end: each life of the app meets a new simulated
    server, and the run folder is left empty at exit."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def wait_gone(pid: int, timeout: float) -> None:
    """Windows, at session end: a killed engine's handles on the live stores
    close only when it is gone. (POSIX: a file can be deleted while open, and
    waiting there would reap the child under asyncio.)"""
    if sys.platform != "win32":
        return
    import psutil

    try:
        psutil.Process(pid).wait(timeout)
    except psutil.Error as exc:
        logger.warning("engine at session end: %s", exc)
