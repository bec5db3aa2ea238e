"""Regression for the seed-7 anomaly: a number ended `failed` after a plain drop.

Reproduced here: the number drops while its live store is locked by another
process for longer than SQLite's busy timeout (5 s, as whatsmeow). Before the
fix the reconnect either set the good store aside as corrupt ("database is
locked" taken for damage: `failed`, the owner had to restore) or raised out
of the start and left the number "reconnecting" with no retry at all. A lock
is a moment, not damage: the start fails, backs off, and the number comes
back by itself with its store untouched.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from tests.conftest import PoolHarness

PHONE = "51902049935"


@pytest.mark.asyncio
async def test_a_drop_while_the_store_is_locked_never_sets_it_aside(
    harness: PoolHarness,
) -> None:
    await harness.link(PHONE)
    live = harness.pool.vault.live_path(PHONE)
    jid = store_schema.device_jid(live)
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:  # another process would do the same (SQLite locks are per file)
        conn = sqlite3.connect(live, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(30)
        conn.execute("COMMIT")
        conn.close()

    locker = threading.Thread(target=hold_the_lock)
    locker.start()
    try:
        held.wait(10)
        await harness.pool.simulate(PHONE, "disconnect", {"code": 408})

        def lock_noticed(s: object) -> bool:
            snap = harness.pool.snapshot(PHONE)
            last = snap.last_disconnect
            return snap.status is Status.FAILED or (
                last is not None and "locked" in last.reason and snap.next_retry_at is not None
            )

        # The first start after the drop waits out the busy timeout, then fails.
        snap = await harness.wait(PHONE, lock_noticed, timeout=25)
        assert snap.status is Status.RECONNECTING, snap.message
    finally:
        release.set()
        await asyncio.to_thread(locker.join, 10)
    await harness.wait_status(PHONE, "connected", timeout=15)
    assert "failed" not in harness.statuses(PHONE)
    assert store_schema.device_jid(live) == jid  # the same login, never set aside
    aside = harness.data_dir / "sessions" / "backups" / PHONE
    assert not [p for p in aside.iterdir() if p.name.startswith("corrupt")]
    assert [n.kind.value for n in harness.notices if n.kind.value == "corrupt"] == []
