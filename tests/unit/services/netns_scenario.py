"""Network-change scenarios run inside a private network namespace.

    unshare -n .venv/bin/python -m tests.unit.services.netns_scenario watcher|pool [N]|qt

Run as root in a namespace of its own, this module makes a network out of a
veth pair (wan0 ours, wan1 the "router" end), takes it down and up with `ip`
(admin down/up, and carrier lost/back from the far end), and prints one
JSON line with what the code under test saw. test_network_netns.py asserts on
it; bench/bench_network.py times the same steps.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LINK, PEER = "wan0", "wan1"
GATEWAY = "10.77.0.1"


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def make_network() -> None:
    """lo, and wan0 10.77.0.2/24 (peer wan1 up) with the default route."""
    ip("link", "set", "lo", "up")
    ip("link", "add", LINK, "type", "veth", "peer", "name", PEER)
    ip("addr", "add", "10.77.0.2/24", "dev", LINK)
    ip("link", "set", PEER, "up")
    ip("link", "set", LINK, "up")
    ip("route", "add", "default", "via", GATEWAY, "dev", LINK)


def link_down() -> None:
    """The link goes away (Wi-Fi off): the kernel drops its routes."""
    ip("link", "set", LINK, "down")


def link_up() -> None:
    """The link is back and the default route with it (what DHCP or NM does)."""
    ip("link", "set", LINK, "up")
    ip("route", "replace", "default", "via", GATEWAY, "dev", LINK)


async def until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Wait for a condition the code under test sets (a step, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"never happened: {what}")
        await asyncio.sleep(0.002)


async def watcher() -> dict[str, Any]:
    """The netlink watcher's reports across an admin down/up and a carrier loss."""
    from lila_desktop.services.netlink import NetlinkWatcher

    seen: list[bool] = []
    latencies: list[float] = []
    make_network()
    w = NetlinkWatcher(seen.append)
    w.start()
    try:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("admin down", link_down),
            ("admin up", link_up),
            ("carrier lost", lambda: ip("link", "set", PEER, "down")),
            ("carrier back", lambda: ip("link", "set", PEER, "up")),
        ]
        log: list[tuple[str, list[bool]]] = [("start", list(seen))]
        for name, action in steps:
            count = len(seen)
            t0 = time.perf_counter()
            action()
            await until(lambda c=count: len(seen) > c, f"a report after {name}")  # type: ignore[misc]
            latencies.append(time.perf_counter() - t0)
            log.append((name, list(seen)))
    finally:
        w.close()
    return {"reports": seen, "log": log, "latencies_s": latencies}


async def pool(count: int = 1) -> dict[str, Any]:
    """A real pool and engine (simulated WhatsApp) fed by netlink: a number that
    drops while the OS says offline is not dialled until the link is back."""
    from lila_desktop.services.engine import protocol as p
    from lila_desktop.services.engine.client import EngineClient
    from lila_desktop.services.pool import SessionPool
    from lila_desktop.services.registry import SessionRegistry
    from lila_desktop.services.vault import SessionVault
    from tests.conftest import FAST_POLICY, MemoryKeyStore, PoolHarness

    make_network()
    phones = [str(51902049935 + i) for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        data, run = Path(tmp) / "data", Path(tmp) / "run"
        the_pool: SessionPool
        engine = EngineClient(
            "simulated",
            on_event=lambda m: the_pool.on_engine_event(m),
            on_died=lambda r: the_pool.on_engine_died(r),
        )
        starts: list[float] = []
        real_request = engine.request

        async def counting(op: str, **kw: Any) -> Any:  # a spy: the real call runs
            if op == p.OP_START:
                starts.append(time.perf_counter())
            return await real_request(op, **kw)

        engine.request = counting  # type: ignore[method-assign]
        the_pool = SessionPool(
            engine=engine,
            vault=SessionVault(data, run, MemoryKeyStore()),
            registry=SessionRegistry(data / "sessions.json"),
            config=FAST_POLICY,
            os_network=True,
        )
        await the_pool.start()
        h = PoolHarness(the_pool, data, run)
        try:
            await until(lambda: the_pool.network.online is True, "netlink says online")
            await asyncio.gather(*(h.link(phone) for phone in phones))
            link_down()
            await until(lambda: the_pool.network.online is False, "netlink says offline")
            before_drop = len(starts)
            for phone in phones:
                await the_pool.simulate(phone, "disconnect", {"code": 408})
                await h.wait_status(phone, "reconnecting")
            # The grace period (0.6 s) ends well after the first retry (0.05 s)
            # fell due: once the owner is told, that retry was handled.
            await until(lambda: len(h.notices) >= count, "the owner told after the grace")
            offline_dials = len(starts) - before_drop
            status_offline = sorted({the_pool.snapshot(x).status.value for x in phones})
            t_up = time.perf_counter()
            link_up()
            for phone in phones:
                await h.wait_status(phone, "connected")
            t_connected = time.perf_counter()
            dials = starts[before_drop:]
            return {
                "sessions": count,
                "source": the_pool.network.source,
                "offline_dials": offline_dials,
                "status_while_offline": status_offline,
                "dials_to_recover": len(dials),
                "notices": [n.kind.value for n in h.notices],
                "up_to_first_dial_s": dials[0] - t_up if dials else None,
                "up_to_last_dial_s": dials[-1] - t_up if dials else None,
                "up_to_all_connected_s": t_connected - t_up,
            }
        finally:
            await asyncio.wait_for(the_pool.aclose(), 30)


def qt() -> dict[str, Any]:
    """The window's source: Qt's network information backend on the same link."""
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

    from lila_desktop.services.network import NetworkMonitor
    from lila_desktop.ui.network_info import attach_network_information

    make_network()
    app = QCoreApplication([])
    seen: list[str] = []
    monitor = NetworkMonitor(
        lambda why: seen.append("up"),
        on_down=lambda why: seen.append("down"),
        probe=None,
        os_events=True,
    )
    backend = attach_network_information(monitor)
    if backend is None:
        return {"backend": None}

    def wait(count: int) -> None:
        deadline = time.monotonic() + 10
        while len(seen) < count and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, QDeadlineTimer(50))

    first = monitor.online
    link_down()
    wait(1)
    link_up()
    wait(2)
    return {"backend": backend, "first": first, "seen": seen, "source": monitor.source}


def main() -> None:
    which = sys.argv[1]
    if which == "qt":
        result = qt()
    elif which == "watcher":
        result = asyncio.run(watcher())
    else:
        result = asyncio.run(pool(int(sys.argv[2]) if len(sys.argv) > 2 else 1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
