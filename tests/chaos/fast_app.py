"""`lila-desktop` with the disconnect policy's timings scaled down, for the chaos campaign.

    python -m tests.chaos.fast_app --headless --transport simulated --data-dir D ...

Everything is the real app (CLI, pool, engine process, vault, API); only the
PolicyConfig the pool is built with is multiplied by LILA_CHAOS_POLICY_SCALE
(default 0.05: backoff 50 ms .. 3 s, grace 6 s, replaced retry 1.5 s), so a
campaign sees hundreds of faults in minutes instead of hours. The policy is
a constructor argument of the pool by design; services/runtime.py sets it for both faces.

With LILA_CHAOS_ENOSPC_FLAG=<file> and LILA_CHAOS_ENOSPC_DIR=<dir>, every
Python-level os.write to a file under <dir> fails with ENOSPC while <file>
exists: the "disk full" fault where a small tmpfs cannot be mounted.

With LILA_CHAOS_MUTANT=<name> one promise of the product is broken on
purpose (see MUTANTS), so the campaign's own test can show it sees the loss.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import sys
from typing import Any

from lila_desktop.core.backoff import Backoff
from lila_desktop.core.policy import DEFAULT_CONFIG, PolicyConfig
from lila_desktop.services import runtime

SCALE_ENV = "LILA_CHAOS_POLICY_SCALE"
MUTANT_ENV = "LILA_CHAOS_MUTANT"
# The audit's mutant: a 408 (keep-alive timeout, transient) read as a logout,
# which throws the number's credentials away.
MUTANTS = ("408-logout",)


def scaled_policy(scale: float) -> PolicyConfig:
    d = DEFAULT_CONFIG
    return PolicyConfig(
        backoff=Backoff(base=d.backoff.base * scale, cap=d.backoff.cap * scale, jitter=0.2),
        grace_period=d.grace_period * scale,
        stable_after=d.stable_after * scale,
        replaced_retry_delay=d.replaced_retry_delay * scale,
        loop_window=d.loop_window * scale,
    )


def _install_scaled_policy(scale: float) -> None:
    real_build_pool = runtime.build_pool

    def build_pool(config: runtime.RuntimeConfig, keystore: Any) -> Any:
        pool = real_build_pool(config, keystore)
        pool.config = dataclasses.replace(scaled_policy(scale))
        return pool

    runtime.build_pool = build_pool  # type: ignore[assignment]


def _install_enospc(flag: str, folder: str) -> None:
    real_write = os.write
    prefix = os.path.realpath(folder) + os.sep

    def write(fd: int, data: Any) -> int:
        if os.path.exists(flag):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                target = ""
            if target.startswith(prefix):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    os.write = write


def _install_mutant(name: str) -> None:
    from lila_desktop.core.events import Disconnected, LoggedOut
    from lila_desktop.services import supervisor

    if name not in MUTANTS:
        raise SystemExit(f"unknown {MUTANT_ENV}: {name!r} (known: {', '.join(MUTANTS)})")
    real = supervisor.event_from_wire

    def event_from_wire(message: dict[str, Any], now: float | None = None) -> Any:
        event = real(message, now)
        if isinstance(event, Disconnected) and event.code == 408:
            return LoggedOut(408, on_connect=False)
        return event

    supervisor.event_from_wire = event_from_wire  # type: ignore[assignment]


def main() -> int:
    if os.environ.get(MUTANT_ENV):
        _install_mutant(os.environ[MUTANT_ENV])
    _install_scaled_policy(float(os.environ.get(SCALE_ENV, "0.05")))
    flag, folder = os.environ.get("LILA_CHAOS_ENOSPC_FLAG"), os.environ.get("LILA_CHAOS_ENOSPC_DIR")
    if flag and folder:
        _install_enospc(flag, folder)
    from lila_desktop.__main__ import main as lila_main

    return lila_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
