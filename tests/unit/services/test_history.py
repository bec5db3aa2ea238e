"""Session history on disk: fed by the real pool, survives a restart, rotates at its bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lila_desktop.core.status import Status
from lila_desktop.core.timeline import Band, EventKind, HistoryEvent, build_timeline
from lila_desktop.services.history import SessionHistory
from tests.conftest import PoolHarness

pytestmark = pytest.mark.asyncio
A = "51911111111"


async def test_the_pool_feeds_it_and_a_restart_reads_it_back(
    harness: PoolHarness, tmp_path: Path
) -> None:
    history = SessionHistory(harness.data_dir, flush_delay=0.01)
    await history.open()
    history.attach(harness.pool)
    await harness.link(A)
    await harness.pool.simulate(A, "disconnect", {"code": 408})
    await harness.wait(A, lambda s: s.status is Status.RECONNECTING)
    await harness.wait(A, lambda s: s.is_connected)
    statuses = [e.status for e in history.events(A) if e.kind is EventKind.STATUS]
    assert statuses[-3:] == [Status.CONNECTED, Status.RECONNECTING, Status.CONNECTED]
    outcome = await harness.pool.restore(A)  # as the API does: the pool tells the history
    await history.aclose()

    kinds = [(e.kind, e.status) for e in history.events(A)]
    assert statuses.count(Status.QR) == 1  # one event per change, not per snapshot
    assert (EventKind.BACKUP, None) in kinds
    assert kinds[-1] == (EventKind.CLOSED, None)
    restores = [e for e in history.events(A) if e.kind is EventKind.RESTORE]
    assert [(e.detail, e.ok) for e in restores] == [(outcome.backup.timestamp, True)]
    drop = next(e for e in history.events(A) if e.status is Status.RECONNECTING)
    assert drop.code == 408 and drop.reason

    # A new run (another object, same folder) sees the same past, drop and all.
    again = SessionHistory(harness.data_dir)
    await again.open()
    assert again.events(A) == history.events(A)
    tl = build_timeline(again.events(A), drop.at - 60, drop.at + 60)
    assert [d.code for d in tl.drops] == [408]
    # What the new run observes starts after the "not running" mark: no false drop.
    again.attach(harness.pool)
    tl = build_timeline(again.events(A), drop.at - 60, again.events(A)[-1].at + 1)
    assert [d.code for d in tl.drops] == [408]
    assert tl.spans[-1].band is Band.UP  # connected again now, seen as such
    await again.aclose()


async def test_it_rotates_at_its_bound_and_drops_the_oldest_file(tmp_path: Path) -> None:
    history = SessionHistory(tmp_path, max_bytes=4_000, keep_files=2, flush_delay=0)
    for n in range(400):
        history.record(HistoryEvent(1e9 + n, A, EventKind.BACKUP))
        if n % 10 == 9:
            await history.flush()
    await history.flush()
    files = history.files()
    assert history.rotations >= 3
    assert [p.name for p in files] == ["history.2.jsonl", "history.1.jsonl", "history.jsonl"]
    assert all(p.stat().st_size <= 4_000 for p in files)
    kept = [json.loads(line)["t"] for p in files for line in p.read_text().splitlines()]
    assert kept == sorted(kept) and kept[-1] == 1e9 + 399  # newest kept, oldest gone
    assert kept[0] > 1e9
    reread = SessionHistory(tmp_path, max_age=1e12)
    await reread.open()
    assert [e.at for e in reread.events(A)] == kept


async def test_old_events_and_a_torn_last_line_are_left_out(tmp_path: Path) -> None:
    now = 2_000_000_000.0
    history = SessionHistory(tmp_path, clock=lambda: now, flush_delay=0)
    history.record(HistoryEvent(now - 40 * 86400, A, EventKind.BACKUP))  # too old
    history.record(HistoryEvent(now - 60, A, EventKind.STATUS, Status.CONNECTED))
    await history.flush()
    with history.path.open("a") as fh:
        fh.write('{"t": 1999999999, "p": "5191')  # the power went out mid-line
    again = SessionHistory(tmp_path, clock=lambda: now)
    await again.open()
    assert [(e.at, e.status) for e in again.events(A)] == [(now - 60, Status.CONNECTED)]


async def test_demo_seed_is_a_believable_day(tmp_path: Path) -> None:
    now = 2_000_000_000.0
    history = SessionHistory(tmp_path, clock=lambda: now, flush_delay=0)
    assert history.seed_demo([A]) > 10
    tl = build_timeline(history.events(A), now - 86400, now)
    assert tl.uptime is not None and 0.9 < tl.uptime < 1.0
    assert 2 <= len(tl.drops) <= 8 and all(d.reason for d in tl.drops)
    assert len(tl.backups) >= 3
    assert history.seed_demo([A]) == 0  # a number with a past is left alone
    await history.flush()


async def test_a_torn_last_line_is_cut_before_the_next_life_appends(tmp_path: Path) -> None:
    """Found by the long chaos campaign: a kill mid-line, then the next life's
    lines after it, left a torn line in the middle of the log for good."""
    history = SessionHistory(tmp_path, flush_delay=0)
    history.record(HistoryEvent(1e9, A, EventKind.BACKUP))
    await history.flush()
    with history.path.open("a") as fh:
        fh.write('{"t": 1000000001, "p": "5191')  # killed mid-line
    again = SessionHistory(tmp_path, flush_delay=0, max_age=1e12)
    await again.open()
    again.record(HistoryEvent(1e9 + 2, A, EventKind.BACKUP))
    await again.flush()
    lines = again.path.read_text().splitlines()
    assert [json.loads(line)["t"] for line in lines] == [1e9, 1e9 + 2]


async def test_a_backup_told_after_a_later_status_takes_its_place_in_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pairing backup runs after 'connected' is shown: it is told last but
    # stamped when it was taken. Memory and a restart must agree on the order.
    now = 2_000_000_000.0
    history = SessionHistory(tmp_path, clock=lambda: now, flush_delay=0)
    history.record(HistoryEvent(now - 30, A, EventKind.STATUS, Status.CONNECTING))
    history.record(HistoryEvent(now - 10, A, EventKind.STATUS, Status.CONNECTED))
    history.record(HistoryEvent(now - 20, A, EventKind.BACKUP))
    await history.flush()
    order = [(e.at, e.kind) for e in history.events(A)]
    assert order == sorted(order, key=lambda x: x[0])
    again = SessionHistory(tmp_path, clock=lambda: now)
    await again.open()
    assert again.events(A) == history.events(A)

    # At the bound the oldest event still goes first, whatever arrives late.
    monkeypatch.setattr("lila_desktop.services.history.MAX_EVENTS_PER_NUMBER", 3)
    bounded = SessionHistory(tmp_path / "b", clock=lambda: now, flush_delay=0)
    for t in (1.0, 2.0, 4.0, 3.0):
        bounded.record(HistoryEvent(now - 100 + t, A, EventKind.BACKUP))
    assert [e.at - (now - 100) for e in bounded.events(A)] == [2.0, 3.0, 4.0]
    await bounded.flush()
