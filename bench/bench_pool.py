"""Scale of the pool: 1, 10, 50 and 200 flapping sessions under the live window.

Run: .venv/bin/python bench/bench_pool.py  (writes bench/results/pool.json)
     .venv/bin/python bench/bench_pool.py --ab 3 [--ref REF]  (3 runs at 200 numbers
     each of REF's code (default main) and this tree's, alternating; writes
     bench/results/pool_ab.json)

One process plays the GUI process as the app builds it: a QApplication
(offscreen), the qasync loop with the 64-worker executor, the real pool with
its engine process (simulated transport), the PoolBridge and the MainWindow
with its SessionTableModel, shown. N numbers are linked, then a seeded
flapping trace drops them (every transient code) at about 2.5 drops per
number per second; each drop makes two status changes (reconnecting, then
connected), so about 5 status events/s per number, 1000/s at 200 (the rate
reached is reported: a number between two attempts cannot drop).
The policy's delays are those of the test suite (backoff 50 ms .. 0.4 s) so
that numbers can flap this fast; everything else is as shipped (a drop stops
the client and seals the store, the bridge coalesces every 50 ms).

Measured over LOAD_S seconds of flapping:
- event-loop lag: how late a 5 ms asyncio sleep wakes up (p50/p99);
- update latency: from an engine event reaching the GUI process to the end
  of the model update that shows its result (p50/p99), for the events whose
  decision changed the session (the all-events figure beside it, see Probe);
- CPU (% of one core) and RSS of the GUI process and of the engine; open files.
The injection itself (one engine request per drop) runs in the GUI process
too, so its cost is inside these figures. The engine's recycling after 500
connects (a guard against neonize's fd leak) is off during the measurement.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("LILA_SIM_TIME_SCALE", "0.05")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from PySide6.QtWidgets import QApplication

from bench import ab
from bench.harness.pool import FAST_POLICY, MemoryKeyStore, PoolHarness, build_test_pool
from lila_desktop.core.events import Event
from lila_desktop.core.policy import SessionState
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services import supervisor
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.pool import PoolError
from lila_desktop.ui import i18n
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.event_loop import BatchingEventLoop
from lila_desktop.ui.main_window import MainWindow

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = tuple(int(x) for x in os.environ.get("LILA_BENCH_SIZES", "1,10,50,200").split(","))
LOAD_S = float(os.environ.get("LILA_BENCH_LOAD_S", "20"))
DROPS_PER_SESSION_S = 2.5
CODES = (408, 428, 500, 503, 515)
TICK = 0.005
TARGETS = {"loop_lag_p99_ms": 10.0, "update_latency_p99_ms": 50.0}
_STATUS_EVENTS = {p.EV_CONNECTED, p.EV_DISCONNECTED, p.EV_CONNECT_FAILURE}


def _pct(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


class Probe:
    """Loop lag, event-to-model latency and the status-event rate.

    An engine event's latency runs from its arrival to the model update that
    shows its result. An event the policy decides without changing anything (a
    leftover "connected" of a client already being stopped, which whatsmeow
    sends and the policy ignores) has no update to wait for: pairing it with
    the number's next, unrelated update measured up to ~400 ms of nothing. So
    each arrival is followed to the policy's decision (`transition`, wrapped in
    this process only) and timed only if that decision changed the session;
    the old all-events figure is kept beside it.
    """

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.latencies: list[float] = []
        self.latencies_all: list[float] = []
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.arrivals_all: dict[str, list[float]] = defaultdict(list)
        self.status_events = 0
        self.unchanged = 0  # decided without any change: nothing to show
        self.recording = False
        self._last: dict[str, Status] = {}
        self._incoming: tuple[str, float] | None = None
        self._posted: dict[int, tuple[Event, str, float]] = {}

    def on_engine_event(self, message: dict[str, Any]) -> None:
        if self.recording and message.get("ev") in _STATUS_EVENTS:
            now = time.perf_counter()
            phone = str(message.get("phone"))
            self.arrivals_all[phone].append(now)
            self._incoming = (phone, now)  # claimed by the event it becomes (post)

    def on_posted(self, event: Event) -> None:
        if self._incoming is not None:
            self._posted[id(event)] = (event, *self._incoming)
            self._incoming = None

    def posted_or_dropped(self) -> None:
        self._incoming = None

    def on_decided(self, event: Event, before: SessionState, after: SessionState) -> None:
        hit = self._posted.pop(id(event), None)
        if hit is None or hit[0] is not event:
            return
        _, phone, arrived = hit
        if after == before:
            self.unchanged += 1
        else:
            self.arrivals[phone].append(arrived)

    def on_snapshot(self, snap: SessionSnapshot) -> None:
        if self._last.get(snap.phone) is not snap.status:
            self._last[snap.phone] = snap.status
            self.status_events += self.recording

    def on_model_applied(self, batch: list[SessionSnapshot]) -> None:
        now = time.perf_counter()
        for snap in batch:
            for pending, out in (
                (self.arrivals, self.latencies),
                (self.arrivals_all, self.latencies_all),
            ):
                times = pending.pop(snap.phone, None)
                if times:
                    out.extend(now - t for t in times)

    async def measure_lag(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            await asyncio.sleep(TICK)
            if self.recording:
                self.lags.append(max(0.0, time.perf_counter() - t0 - TICK))


async def _link_all(h: PoolHarness, phones: list[str]) -> None:
    for chunk in range(0, len(phones), 25):
        batch = phones[chunk : chunk + 25]
        await asyncio.gather(*(h.pool.add(ph) for ph in batch))
        for ph in batch:
            await h.wait(ph, lambda s: s.qr is not None, 60)
        await asyncio.gather(*(h.pool.simulate(ph, "scan", {}) for ph in batch))
        for ph in batch:
            await h.wait_status(ph, "connected", 60)


async def _drop(h: PoolHarness, phone: str, code: int) -> None:
    # PoolError: it dropped by itself between the check and the request.
    with contextlib.suppress(PoolError):
        await h.pool.simulate(phone, "disconnect", {"code": code})


async def _flap(h: PoolHarness, phones: list[str], stop: asyncio.Event, rng: random.Random) -> int:
    """Poisson drops over all numbers; a number between two attempts is skipped."""
    rate = DROPS_PER_SESSION_S * len(phones)
    sent = 0
    pending: set[asyncio.Task[None]] = set()
    while not stop.is_set():
        await asyncio.sleep(rng.expovariate(rate))
        phone = rng.choice(phones)
        if not h.pool.snapshot(phone).is_connected:
            continue
        task = asyncio.get_running_loop().create_task(_drop(h, phone, rng.choice(CODES)))
        pending.add(task)
        task.add_done_callback(pending.discard)
        sent += 1
    await asyncio.gather(*pending, return_exceptions=True)
    return sent


def _usage(proc: psutil.Process) -> dict[str, float]:
    with proc.oneshot():
        return {
            "rss_mb": round(proc.memory_info().rss / 2**20, 1),
            "fds": proc.num_fds(),
            "threads": proc.num_threads(),
        }


async def one_size(count: int, tmp: Path) -> dict[str, Any]:
    pool = build_test_pool(tmp / "data", tmp / "run", MemoryKeyStore(), FAST_POLICY)
    # No recycling after 500 connects during the measurement: that guard is for
    # neonize's fd leak (hazard 6); the simulated transport leaks nothing.
    pool.engine.max_connects = 10**9
    probe = Probe()
    real_on_event = pool.on_engine_event

    def on_engine_event(message: dict[str, Any]) -> None:
        probe.on_engine_event(message)
        real_on_event(message)
        probe.posted_or_dropped()  # an event of a stale client is never posted

    pool.on_engine_event = on_engine_event  # type: ignore[method-assign]
    real_post = supervisor.SessionSupervisor.post
    real_transition = getattr(supervisor, "transition")  # noqa: B009 (the module's own name)

    def post(sup: supervisor.SessionSupervisor, event: Event) -> None:
        probe.on_posted(event)
        real_post(sup, event)

    def transition(state: SessionState, event: Event, *args: Any) -> Any:
        after, actions = real_transition(state, event, *args)
        probe.on_decided(event, state, after)
        return after, actions

    setattr(supervisor.SessionSupervisor, "post", post)  # noqa: B010
    setattr(supervisor, "transition", transition)  # noqa: B010
    bridge = PoolBridge(pool)
    bridge.attach()
    window = MainWindow(bridge, tmp / "combined.log")
    real_apply = window.model.apply

    def apply(batch: Any) -> None:
        batch = list(batch)
        real_apply(batch)
        probe.on_model_applied(batch)

    window.model.apply = apply  # type: ignore[method-assign]
    window.resize(1180, 720)
    window.show()
    pool.subscribe(probe.on_snapshot)
    await pool.start()
    h = PoolHarness(pool, tmp / "data", tmp / "run")
    phones = [f"5195{i:07d}" for i in range(count)]
    gui = psutil.Process()
    engine = psutil.Process(pool.engine.pid)
    try:
        await _link_all(h, phones)
        await asyncio.sleep(1.0)
        stop = asyncio.Event()
        lag_task = asyncio.get_running_loop().create_task(probe.measure_lag(stop))
        flap_task = asyncio.get_running_loop().create_task(
            _flap(h, phones, stop, random.Random(count))
        )
        await asyncio.sleep(1.0)  # ramp up
        gui.cpu_percent()
        main_cpu0 = time.thread_time()  # the GUI thread alone (the rest: vault workers)
        engine.cpu_percent()
        probe.recording = True
        t0 = time.perf_counter()
        peak = {"gui": _usage(gui), "engine": _usage(engine)}
        while time.perf_counter() - t0 < LOAD_S:
            await asyncio.sleep(1.0)
            for role, proc in (("gui", gui), ("engine", engine)):
                now = _usage(proc)
                peak[role] = {k: max(peak[role][k], now[k]) for k in now}
        elapsed = time.perf_counter() - t0
        probe.recording = False
        cpu = {
            "gui": gui.cpu_percent(),
            "gui_thread": 100 * (time.thread_time() - main_cpu0) / elapsed,
            "engine": engine.cpu_percent(),
        }
        stop.set()
        drops = await flap_task
        await lag_task
        rows = window.model.rowCount()
    finally:
        bridge.detach()
        await pool.aclose()
        setattr(supervisor.SessionSupervisor, "post", real_post)  # noqa: B010
        setattr(supervisor, "transition", real_transition)  # noqa: B010
        window.close()
        window.deleteLater()
    lags = [x * 1000 for x in probe.lags]
    events_per_s = probe.status_events / elapsed
    lat = [x * 1000 for x in probe.latencies]
    lat_all = [x * 1000 for x in probe.latencies_all]
    return {
        "sessions": count,
        "rows_in_model": rows,
        "seconds": round(elapsed, 1),
        "drops_injected": drops,
        "status_events_per_s": round(events_per_s, 1),
        "loop_lag_ms": {"p50": round(_pct(lags, 50), 2), "p99": round(_pct(lags, 99), 2)},
        "update_latency_ms": {
            "p50": round(_pct(lat, 50), 1),
            "p99": round(_pct(lat, 99), 1),
            "samples": len(lat),
            "decided_without_change": probe.unchanged,
        },
        # The earlier definition: every status event, changed or not (see Probe).
        "update_latency_all_events_ms": {
            "p50": round(_pct(lat_all, 50), 1),
            "p99": round(_pct(lat_all, 99), 1),
            "samples": len(lat_all),
        },
        "cpu_pct": {k: round(v, 1) for k, v in cpu.items()},
        # % of one core = 10 ms of CPU per second, over the status events of that second.
        "cpu_ms_per_status_event": {
            k: round(cpu[k] * 10 / events_per_s, 2) if events_per_s else None
            for k in ("gui", "gui_thread")
        },
        "loadavg_1m": round(os.getloadavg()[0], 2),  # the machine may be shared
        "gui": peak["gui"],
        "engine": peak["engine"],
    }


@contextlib.contextmanager
def variant(name: str) -> Iterator[None]:
    """What-if runs at 200 (monkeypatched in this process only), to size a remedy."""
    from lila_desktop.services.vault import SessionVault

    saved: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, attr: str, value: Any) -> None:
        saved.append((owner, attr, getattr(owner, attr)))
        setattr(owner, attr, value)

    if name == "no_seal_no_backup":

        async def seal(self: Any, phone: str) -> bool:
            return False

        async def backup(self: Any, phone: str, reason: str, *, connected: bool) -> None:
            return None

        patch(SessionVault, "seal", seal)
        patch(SessionVault, "backup", backup)
    try:
        yield
    finally:
        for owner, attr, value in reversed(saved):
            setattr(owner, attr, value)


VARIANTS = {
    "no_seal_no_backup": "upper bound of store work: no seal, no backup at all",
}


def _run(app: QApplication, count: int) -> dict[str, Any]:
    loop = BatchingEventLoop(app)  # the window's loop, as ui/main.py builds it
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=64))
    with tempfile.TemporaryDirectory(prefix="lila-bench-pool-") as tmp:
        result = loop.run_until_complete(one_size(count, Path(tmp)))
    loop.close()
    print(json.dumps(result), flush=True)
    return result


def _measure_one(count: int, variant_name: str | None) -> None:
    """One measurement in this process (a fresh process per run: tearing a
    window and a qasync loop down and up again in one process is not what
    the app does, and Qt objects freed by the GC in worker threads crash it)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.install_language("en")
    if variant_name is None:
        _run(app, count)
    else:
        with variant(variant_name):
            _run(app, count)


def _in_child(count: int, variant_name: str | None = None) -> dict[str, Any]:
    args = [sys.executable, __file__, "--one", str(count)]
    if variant_name is not None:
        args += ["--variant", variant_name]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def ab_run(src: Path) -> dict[str, Any]:
    """One run at 200 numbers of the sources under `src` (main's or this tree's)."""
    script = str(src / "bench" / "bench_pool.py")
    r = ab.last_json_line([sys.executable, script, "--one", "200"], src)
    events = r["status_events_per_s"]
    return {
        "loop_lag_p99_ms": r["loop_lag_ms"]["p99"],
        "loop_lag_p50_ms": r["loop_lag_ms"]["p50"],
        "update_p99_ms": r["update_latency_ms"]["p99"],
        **(
            {"update_p99_all_events_ms": r["update_latency_all_events_ms"]["p99"]}
            if "update_latency_all_events_ms" in r
            else {}
        ),
        "status_events_per_s": events,
        "cpu_gui_pct": r["cpu_pct"]["gui"],
        # % of one core = 10 ms of CPU per second.
        "cpu_ms_per_status_event": round(r["cpu_pct"]["gui"] * 10 / events, 2) if events else 0,
        **(
            {"gui_thread_cpu_ms_per_status_event": r["cpu_ms_per_status_event"]["gui_thread"]}
            if "gui_thread" in r["cpu_pct"]
            else {}
        ),
        "loadavg_1m": r["loadavg_1m"],
    }


def main_ab(rounds: int, ref: str) -> None:
    runs = ab.alternate(rounds, ab_run, ref)
    what = (
        f"A/B at 200 flapping numbers, {rounds} alternating runs each of {ref} (before) and "
        f"this tree in the same minutes: bench/bench_pool.py --ab {rounds} --ref {ref} "
        f"(--one 200, LILA_BENCH_LOAD_S={LOAD_S:g}), {ref}'s sources from `git archive {ref}`"
    )
    ab.write("pool_ab", what, runs)


def main() -> None:
    if "--ab" in sys.argv:
        ref = sys.argv[sys.argv.index("--ref") + 1] if "--ref" in sys.argv else "main"
        main_ab(int(sys.argv[sys.argv.index("--ab") + 1]), ref)
        return
    if "--one" in sys.argv:
        count = int(sys.argv[sys.argv.index("--one") + 1])
        name = sys.argv[sys.argv.index("--variant") + 1] if "--variant" in sys.argv else None
        _measure_one(count, name)
        return
    results = [_in_child(count) for count in SIZES]
    experiments = {}
    for name, what in VARIANTS.items():
        experiments[name] = {"what": what, **_in_child(SIZES[-1], name)}
    at_200 = results[-1]
    out = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "load_s": LOAD_S,
        "targets_at_200": TARGETS,
        "met_at_200": {
            "loop_lag_p99_ms": at_200["loop_lag_ms"]["p99"] < TARGETS["loop_lag_p99_ms"],
            "update_latency_p99_ms": at_200["update_latency_ms"]["p99"]
            < TARGETS["update_latency_p99_ms"],
        },
        "sizes": results,
        "what_if_at_largest": experiments,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pool.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
