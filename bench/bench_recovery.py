"""Recovery after an outage: our policy against the peers' on one fault trace.

Run: .venv/bin/python bench/bench_recovery.py  (writes bench/results/recovery.json)

A virtual clock replays `bench/traces/outage-10min.json` (a stable number, a
10-minute network outage, the network back). Nothing sleeps: each policy is
driven event by event, and a dial succeeds or fails by whether the network is
up when it starts.

- **Ours**: the real `core.policy.transition` with the shipped DEFAULT_CONFIG
  and a seeded jitter, run as the supervisor runs it (stale dial results are
  ignored; retry and grace timers by token). NetworkDown / NetworkUp come
  from the OS (netlink headless, Qt's backend in the window) the measured
  notification time after the link changes (bench_network.py: link up ->
  first `start` request, in a network namespace; its median is read from
  results/network.json). Where the OS gives no signal (the router's uplink
  fails, the link stays up) the NetworkMonitor's DNS probe is what is left:
  every 10 s while reachable, every 2 s while not, at a random phase; that
  row is kept, with the one from before the 2 s probe.
- **Baileys' example** (`connection.update` close -> `startSock()` at once)
  and **Evolution API** (immediate, unlimited): a failed dial is retried at
  once, so each attempt costs one failed dial.
- **whatsmeow built-in**: `autoReconnect` waits errors x 2 s before each dial
  (0, 2, 4, 6 ... s), uncapped, never gives up.
- **WAHA NOWEB**: a fixed 2 s between attempts.

Every policy is replayed over 200 seeds: each client notices the drop a
random 0-30 s after the network goes (whatsmeow's keep-alive runs every
20-30 s), which shifts every peer's retry phase; ours also draws its jitter
and probe phase from the seed. Medians and p95 are reported.

Assumptions (the same for every policy): a dial while the network is down
fails after the time a real neonize dial takes to fail here, offline (DNS;
measured below in a child process, median of 9); a dial once the network is
back connects in CONNECT_S. The sensitivity rows replay the same trace with
dials that hang HANG_S before failing (a network that drops packets instead
of failing DNS).
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lila_desktop.core.actions import ArmGrace, ScheduleRetry, StartClient, StopClient
from lila_desktop.core.events import (
    Connected,
    Disconnected,
    Event,
    GraceExpired,
    NetworkDown,
    NetworkUp,
    RetryDue,
)
from lila_desktop.core.policy import DEFAULT_CONFIG, PolicyConfig, SessionState, transition
from lila_desktop.core.status import Status

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TRACE = HERE / "traces" / "outage-10min.json"
CONNECT_S = 1.0  # network back: WebSocket + Noise handshake + login (not measurable here)
HANG_S = 20.0  # sensitivity: Baileys' default connectTimeoutMs
PROBE_INTERVAL = 10.0  # services/network.py NetworkMonitor.interval
OFFLINE_PROBE_INTERVAL = 2.0  # ... and offline_interval
STOP_TIMEOUT = 20.0  # services/engine/host.py
DETECT_MAX = 30.0  # a drop is noticed up to one keep-alive interval late
OS_SIGNAL_FALLBACK_S = 0.03  # link up -> first dial when results/network.json is missing
SEEDS = 200

_DIAL_PROBE = r"""
import asyncio, json, os, sys, tempfile, time, logging
fd = os.dup(1); os.dup2(2, 1); sys.stdout = sys.stderr
out = os.fdopen(fd, "w", buffering=1)
logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
from neonize.aioze.client import NewAClient
async def main():
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(int(sys.argv[1])):
            client = NewAClient(os.path.join(tmp, f"s{i}.db"), uuid=f"dial-{i}")
            t = time.perf_counter()
            try:
                await (await client.connect())
            except Exception:
                pass
            times.append(time.perf_counter() - t)
            try:
                await asyncio.wait_for(client.stop(), 10)
            except Exception:
                pass
    out.write(json.dumps(times) + "\n")
asyncio.run(main())
os._exit(0)
"""


def measure_dial_failure(count: int = 9) -> dict[str, Any]:
    """Seconds a real neonize dial takes to fail offline (run in a child: hazard 3)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "dial.py"
        script.write_text(_DIAL_PROBE)
        proc = subprocess.run(
            [sys.executable, str(script), str(count)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    try:
        times = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"the neonize dial probe failed: {proc.stderr[-500:]}") from None
    return {"median_s": statistics.median(times), "samples_s": [round(t, 4) for t in times]}


@dataclass(frozen=True)
class Trace:
    name: str
    down: float
    up: float
    end: float

    @classmethod
    def load(cls, path: Path) -> Trace:
        raw = json.loads(path.read_text())
        times = {e["event"]: float(e["t"]) for e in raw["events"]}
        return cls(raw["name"], times["network_down"], times["network_up"], float(raw["seconds"]))

    def network_up(self, t: float) -> bool:
        return not self.down <= t < self.up


@dataclass(frozen=True)
class Outcome:
    attempts: int  # dials started while the network was down
    reconnect_s: float  # network up -> connected
    first_dial_s: float  # network up -> the first dial after it


def run_ours(
    trace: Trace,
    fail_s: float,
    seed: int,
    *,
    offline_interval: float = OFFLINE_PROBE_INTERVAL,
    config: PolicyConfig = DEFAULT_CONFIG,
    os_signal: float | None = None,
) -> Outcome:
    """The real transition(), driven on a virtual clock as the supervisor drives it."""
    rng = random.Random(seed)
    drop = trace.down + _detect_delay(seed)
    seq = itertools.count()
    queue: list[tuple[float, int, Any]] = []

    def at(t: float, item: Any) -> None:
        heapq.heappush(queue, (t, next(seq), item))

    state = SessionState(status=Status.CONNECTED, desired=True, since=0.0, connected_at=-3600.0)
    generation = 0
    attempts = 0
    busy_until = 0.0  # a failing dial holds the client until it ends
    reachable: bool | None = None
    os_offline = False
    first_dial: float | None = None
    at(drop, Disconnected(408, "keep-alive timeout"))
    at(rng.uniform(0.0, PROBE_INTERVAL), "probe")
    if os_signal is not None:  # the OS reports the link going and coming back
        at(trace.down + os_signal, "os_down")
        at(trace.up + os_signal, "os_up")
    while queue:
        t, _, item = heapq.heappop(queue)
        if t > trace.end:
            break
        event: Event
        if item in ("os_down", "os_up"):
            os_offline = item == "os_down"
            reachable = None  # services/network.py: the probe starts afresh
            event = NetworkDown() if os_offline else NetworkUp()
        elif item == "probe":
            if os_offline:  # the probe rests while the OS says offline
                at(t + PROBE_INTERVAL, "probe")
                continue
            ok = trace.network_up(t)
            fire = ok and reachable is False
            reachable = ok
            at(t + (PROBE_INTERVAL if ok else offline_interval), "probe")
            if not fire:
                continue
            event = NetworkUp()
        elif isinstance(item, tuple):
            kind, gen = item
            if gen != generation:
                continue  # a stopped client's last words (the supervisor drops them)
            event = Connected() if kind == "ok" else Disconnected(None, "no such host")
        else:
            event = item
        state, actions = transition(state, event, t, config, rng)
        for action in actions:
            if isinstance(action, StartClient):
                generation += 1
                # The engine stops the previous client first, and stop() waits for
                # a stalled dial to end (NEONIZE_NOTES hazard 5; bounded by STOP_TIMEOUT).
                start = max(t, min(busy_until, t + STOP_TIMEOUT))
                if first_dial is None and start >= trace.up:
                    first_dial = start - trace.up
                if trace.network_up(start):
                    at(start + CONNECT_S, ("ok", generation))
                    busy_until = start
                else:
                    attempts += 1
                    at(start + fail_s, ("fail", generation))
                    busy_until = start + fail_s
            elif isinstance(action, StopClient):
                generation += 1
            elif isinstance(action, ScheduleRetry):
                at(t + action.delay, RetryDue(action.token))
            elif isinstance(action, ArmGrace):
                at(t + action.delay, GraceExpired(action.token))
        if state.status is Status.CONNECTED and t >= trace.up:
            assert first_dial is not None
            return Outcome(attempts, t - trace.up, first_dial)
    raise AssertionError("our policy never reconnected within the trace")


def _detect_delay(seed: int) -> float:
    return random.Random(f"detect-{seed}").uniform(0.0, DETECT_MAX)


def run_peer(trace: Trace, fail_s: float, delay: Callable[[int], float], seed: int) -> Outcome:
    """A peer's loop: dial; on failure wait delay(n) (n = failures so far), dial again."""
    t = trace.down + _detect_delay(seed)
    failures = 0
    wait = delay(0)  # the first reconnect after the drop
    while True:
        t += wait
        if trace.network_up(t) and t >= trace.up:
            return Outcome(failures, t + CONNECT_S - trace.up, t - trace.up)
        failures += 1
        t += fail_s
        wait = delay(failures)


PEERS: dict[str, tuple[str, Callable[[int], float]]] = {
    "baileys_example": ("Baileys' example: reconnect at once on every close", lambda n: 0.0),
    "whatsmeow_builtin": ("whatsmeow built-in: errors x 2 s, uncapped", lambda n: 2.0 * n),
    "evolution_api": ("Evolution API: immediate, unlimited", lambda n: 0.0),
    "waha_noweb": ("WAHA NOWEB: fixed 2 s", lambda n: 2.0),
}


def _q(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def scenario(trace: Trace, fail_s: float, os_signal: float) -> dict[str, Any]:
    ours = [run_ours(trace, fail_s, seed, os_signal=os_signal) for seed in range(SEEDS)]
    probe = [run_ours(trace, fail_s, seed) for seed in range(SEEDS)]
    before = [
        run_ours(trace, fail_s, seed, offline_interval=PROBE_INTERVAL) for seed in range(SEEDS)
    ]

    def summary(runs: list[Outcome]) -> dict[str, Any]:
        secs = [r.reconnect_s for r in runs]
        tries = [float(r.attempts) for r in runs]
        first = [r.first_dial_s for r in runs]
        return {
            "reconnect_s_median": round(statistics.median(secs), 3),
            "reconnect_s_p95": round(_q(secs, 95), 3),
            "first_dial_s_median": round(statistics.median(first), 3),
            "first_dial_s_p95": round(_q(first, 95), 3),
            "attempts_median": statistics.median(tries),
            "attempts_max": max(tries),
            "dials_to_recover_median": statistics.median(tries) + 1,
        }

    rows: dict[str, Any] = {
        "ours": {
            "label": "Lila Desktop (shipped: OS network signal, netlink / Qt)",
            **summary(ours),
        },
        "ours_probe": {
            "label": "Lila Desktop without an OS signal (DNS probe, 2 s while offline)",
            **summary(probe),
        },
        "ours_before": {
            "label": "Lila Desktop before the 2 s offline probe (10 s always)",
            **summary(before),
        },
    }
    base = rows["ours"]
    for key, (label, delay) in PEERS.items():
        row = summary([run_peer(trace, fail_s, delay, seed) for seed in range(SEEDS)])
        rows[key] = {"label": label, **row}
    for row in rows.values():
        row["attempts_vs_ours"] = round(row["attempts_median"] / max(base["attempts_median"], 1), 1)
        row["reconnect_vs_ours"] = round(row["reconnect_s_median"] / base["reconnect_s_median"], 2)
    return {"dial_fail_s": round(fail_s, 4), "policies": rows}


def main() -> None:
    trace = Trace.load(TRACE)
    dial = measure_dial_failure()
    network = RESULTS / "network.json"
    if network.exists():
        measured = json.loads(network.read_text())["pool"]["1"]["first_dial"]["median_ms"]
        os_signal, source = measured / 1000, "bench/results/network.json (median, 1 number)"
    else:
        os_signal, source = OS_SIGNAL_FALLBACK_S, "assumed (run bench_network.py first)"
    result = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "trace": TRACE.name,
        "outage_s": trace.up - trace.down,
        "connect_s": CONNECT_S,
        "seeds": SEEDS,
        "neonize_offline_dial": dial,
        "os_signal_s": os_signal,
        "os_signal_source": source,
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "dns_fails_fast": scenario(trace, dial["median_s"], os_signal),
        "dials_hang": scenario(trace, HANG_S, os_signal),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "recovery.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
