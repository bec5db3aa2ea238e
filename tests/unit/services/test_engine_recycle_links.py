"""Hazard 15: aborted link attempts park engine workers; the engine is recycled first.

The simulated WhatsApp counts aborted links as neonize 0.5.2 leaks them (a
stop while a QR shows, or a QR window that runs out). The pool's watcher
recycles the engine cleanly before the executor runs low, and every other
number comes back by itself.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lila_desktop.core.status import Status
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.process import (
    MAX_ABORTED_LINKS,
    MAX_PARKED_WORKERS,
    recycle_reason,
)
from tests.conftest import MemoryKeyStore, PoolHarness, build_test_pool


def test_recycle_reasons() -> None:
    fine = {"fds": 10, "connects": 5, "lingering": 0, "stop_timeouts": 0, "aborted_links": 0}
    assert recycle_reason(fine, 100, 500) is None
    assert recycle_reason({"fds": 10, "connects": 5}, 100, 500) is None  # older engines
    parked = {**fine, "lingering": MAX_PARKED_WORKERS - 1, "stop_timeouts": 1}
    assert recycle_reason(parked, 100, 500) == f"{MAX_PARKED_WORKERS} workers parked in Go"
    aborted = {**fine, "aborted_links": MAX_ABORTED_LINKS}
    assert recycle_reason(aborted, 100, 500) == f"{MAX_ABORTED_LINKS} aborted link attempts"
    assert recycle_reason({**fine, "fds": 101}, 100, 500) == "101 file handles"


@pytest.mark.asyncio
async def test_aborted_links_recycle_the_engine_and_the_others_resume(
    tmp_path: Path, keystore: MemoryKeyStore
) -> None:
    pool = build_test_pool(tmp_path / "data", tmp_path / "run", keystore)
    engine = pool.engine
    engine.stats_interval = 3600.0  # the watcher runs below, on our cue
    await pool.start()
    h = PoolHarness(pool, tmp_path / "data", tmp_path / "run")
    try:
        linked = "51903000001"
        await pool.add(linked)
        await h.link(linked)
        first_pid = engine.pid
        newcomer = "51903000002"
        await pool.add(newcomer, start=False)
        for _ in range(MAX_ABORTED_LINKS):
            await pool.start_session(newcomer)
            await h.wait_status(newcomer, "qr")
            await pool.stop_session(newcomer)
            await h.wait_status(newcomer, "stopped")
        stats = await engine.request(p.OP_STATS)
        assert stats["aborted_links"] == MAX_ABORTED_LINKS
        assert engine.recycles == 0
        engine.stats_interval = 0.01
        watcher = asyncio.get_running_loop().create_task(engine._watch_resources())
        try:
            # The recycle is an engine death to the pool: the linked number goes
            # reconnecting, then comes back on the new engine by itself.
            await pool.wait_for(linked, lambda s: s.status is Status.RECONNECTING, timeout=30)
            await pool.wait_for(linked, lambda s: s.status is Status.CONNECTED, timeout=30)
        finally:
            watcher.cancel()
        assert engine.recycles == 1 and engine.pid != first_pid
        fresh = await engine.request(p.OP_STATS)
        assert fresh["aborted_links"] == 0  # the parked workers went with the old engine
        assert pool.snapshot(newcomer).status is Status.STOPPED  # the owner's choice stands
    finally:
        await asyncio.wait_for(pool.aclose(), 30)
