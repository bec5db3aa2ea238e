"""One fault, inside a private network namespace: the real engine against the fault server.

    unshare -mn python -m tests.faults.netns_child MODE WORKDIR

Brings up `lo`, bind-mounts a hosts file that sends web.whatsapp.com to
127.0.0.1, gives Go a test CA through SSL_CERT_FILE (the engine inherits it),
serves the fault on 127.0.0.1:443, and runs the real pool and engine
(`--transport neonize`) with a store that looks paired (whatsmeow schema plus
a device row). Prints one JSON object: what the owner saw, the backoff, how
long stop took, the engine's threads and file handles.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from lila_desktop.core.backoff import Backoff
from lila_desktop.core.policy import PolicyConfig
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import SessionVault
from lila_desktop.services.wording import english
from tests.conftest import MemoryKeyStore
from tests.faults.fault_server import FaultServer, make_certificates

POLICY = PolicyConfig(backoff=Backoff(base=0.5, cap=1.0, jitter=0.0), grace_period=300.0)
PHONE = "51902049977"
# Failures to watch; the second shows the backoff (LILA_FAULTS_FULL: all faults).
FULL_RUN = bool(os.environ.get("LILA_FAULTS_FULL"))
FAILURES = 2 if FULL_RUN else 1
BOUND = 100.0 if FULL_RUN else 60.0  # for FAILURES failures (the slowest needs ~23 s each)
# Faults where the stop is also timed while a dial is under way (hazard 5); slow
# and garbage hold whatsmeow's socket lock for its 20 s Noise timeout (full runs).
STOP_MID_DIAL = frozenset({"refused", "blackhole", "ws_refusal", "close_mid_handshake"}) | (
    frozenset({"slow", "garbage"}) if FULL_RUN else frozenset()
)


def isolate(work: Path) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    hosts = work / "hosts"
    hosts.write_text("127.0.0.1 localhost web.whatsapp.com\n::1 localhost\n", encoding="utf-8")
    subprocess.run(["mount", "--bind", str(hosts), "/etc/hosts"], check=True)


async def run(mode: str, work: Path) -> dict[str, Any]:
    certs = make_certificates(work)
    os.environ["SSL_CERT_FILE"] = str(certs["ca"])
    server = FaultServer(mode, certs)
    await server.start()
    pool: SessionPool
    engine = EngineClient(
        "neonize",
        on_event=lambda m: pool.on_engine_event(m),
        on_died=lambda r: pool.on_engine_died(r),
    )
    pool = SessionPool(
        engine=engine,
        vault=SessionVault(work / "data", work / "run", MemoryKeyStore()),
        registry=SessionRegistry(work / "data" / "sessions.json"),
        config=POLICY,
    )
    seen: list[SessionSnapshot] = []
    pool.subscribe(seen.append)
    await pool.start()
    result: dict[str, Any] = {"mode": mode}
    try:
        live = pool.vault.live_path(PHONE)
        live.parent.mkdir(parents=True, exist_ok=True)
        store_schema.make_paired_store(live, PHONE)
        started = time.monotonic()
        await pool.add(PHONE)
        try:
            await pool.wait_for(
                PHONE,
                lambda s: s.status is Status.RECONNECTING and s.attempt >= FAILURES,
                timeout=BOUND,
            )
        except TimeoutError:
            result["timed_out"] = True
        result["failures_after"] = round(time.monotonic() - started, 2)
        before_stop = await engine.request(p.OP_STATS)
        # Stop while a dial is under way (hazard 5), where the fault lets one last.
        await pool.stop_session(PHONE)
        await engine.request(p.OP_STOP, phone=PHONE)  # queued behind the pool's own stop
        stop_started = time.monotonic()
        if mode in STOP_MID_DIAL:
            server.accepted.clear()
            await pool.start_session(PHONE)
            if mode != "refused":
                await asyncio.wait_for(server.accepted.wait(), 30)
            stop_started = time.monotonic()
            await pool.stop_session(PHONE)
            await engine.request(p.OP_STOP, phone=PHONE)
        result["stop_seconds"] = round(time.monotonic() - stop_started, 2)
        after = await engine.request(p.OP_STATS)
        snap = pool.snapshot(PHONE)
        result.update(
            statuses=_distinct([s.status.value for s in seen if s.phone == PHONE]),
            attempts=sorted({s.attempt for s in seen if s.status is Status.RECONNECTING}),
            retry_delays=_delays(seen),
            reason=snap.last_disconnect.reason if snap.last_disconnect else None,
            message=next(
                (
                    english(s.message)
                    for s in reversed(seen)
                    if s.status is Status.RECONNECTING and s.message is not None
                ),
                None,
            ),
            qr_shown=any(s.qr for s in seen),
            still_paired=store_schema.has_device(live),
            engine_restarts=engine.restarts,
            threads=(before_stop["threads"], after["threads"]),
            fds=(before_stop["fds"], after["fds"]),
            lingering=after.get("lingering"),
            stop_timeouts=after["stop_timeouts"],
            connections=server.connections,
        )
    finally:
        await asyncio.wait_for(pool.aclose(), 90)
        await server.aclose()
    return result


def _distinct(values: list[str]) -> list[str]:
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


def _delays(seen: list[SessionSnapshot]) -> list[float]:
    delays = []
    for s in seen:
        last = s.last_disconnect
        if s.status is Status.RECONNECTING and s.next_retry_at is not None and last:
            delay = round(s.next_retry_at - last.at, 2)
            if not delays or delays[-1] != delay:
                delays.append(delay)
    return delays


def main() -> None:
    mode, work = sys.argv[1], Path(sys.argv[2])
    isolate(work)
    result = asyncio.run(run(mode, work))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
