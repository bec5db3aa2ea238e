"""Every model passes qtmodeltester; updates are column-targeted and coalesced."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from lila_desktop.core.messages import Code, Message
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.vault import BackupInfo
from lila_desktop.ui import i18n
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.models.backups import BackupListModel
from lila_desktop.ui.models.logs import LogEntry, LogFilterProxy, LogModel
from lila_desktop.ui.models.sessions import Column, Role, SessionTableModel
from tests.conftest import MemoryKeyStore, build_test_pool
from tests.ui.conftest import LoopRunner


def snap(
    phone: str = "51900000001", status: Status = Status.CONNECTED, **kw: object
) -> SessionSnapshot:
    base: dict[str, object] = {"name": "Shop", "since": time.time() - 30, "desired": True}
    base.update(kw)
    return SessionSnapshot(phone=phone, status=status, **base)  # type: ignore[arg-type]


def test_session_model_passes_modeltester(qtmodeltester, qloop: LoopRunner) -> None:
    model = SessionTableModel(tick_ms=10_000)
    qtmodeltester.check(model, force_py=True)
    model.apply(
        [
            snap("51900000001"),
            snap("51900000002", Status.RECONNECTING, attempt=2, next_retry_at=time.time() + 12),
        ]
    )
    model.apply(
        [snap("51900000001", Status.LOGGED_OUT, message=Message.of(Code.LOGGED_OUT, code=401))]
    )
    model.remove("51900000002")
    qtmodeltester.check(model, force_py=True)


def test_session_model_shows_colour_and_text(qloop: LoopRunner) -> None:
    now = time.time()
    model = SessionTableModel(tick_ms=10_000, clock=lambda: now)  # a clock that stands still
    model.apply([snap(status=Status.RECONNECTING, attempt=3, next_retry_at=now + 9.2)])
    status = model.index(0, Column.STATUS)
    assert model.data(status) == "Reconnecting (attempt 3)"
    assert model.data(status, Qt.ItemDataRole.DecorationRole) is not None  # the light
    assert model.data(status, Role.SEVERITY) == "working"
    assert model.data(model.index(0, Column.NEXT_RETRY)) == "in 10 s"
    assert model.data(model.index(0, Column.NUMBER)) == "+51900000001"


def test_status_words_follow_each_new_snapshot_and_the_language(qloop: LoopRunner) -> None:
    """The status column's words are kept per snapshot (paints ask again and again):
    a new snapshot or another language words it afresh."""
    model = SessionTableModel(tick_ms=10_000)
    model.apply([snap(status=Status.RECONNECTING, attempt=1)])
    status = model.index(0, Column.STATUS)
    assert model.data(status) == model.data(status) == "Reconnecting (attempt 1)"
    model.apply([snap(status=Status.RECONNECTING, attempt=2)])
    assert model.data(status) == "Reconnecting (attempt 2)"
    model.apply([snap(status=Status.FAILED)])
    assert model.data(status) == "Failed — press Connect"
    i18n.install_language("es")
    try:
        model.retranslate()
        assert model.data(status) != "Failed — press Connect"
    finally:
        i18n.install_language("en")
        model.retranslate()
    assert model.data(status) == "Failed — press Connect"


def test_the_model_says_whether_a_batch_changed_a_status(qloop: LoopRunner) -> None:
    model = SessionTableModel(tick_ms=10_000)
    model.apply([snap()])
    assert model.statuses_changed  # a new row
    model.apply([snap(name="Other name")])
    assert not model.statuses_changed
    model.apply([snap(status=Status.RECONNECTING, attempt=1)])
    assert model.statuses_changed


def test_changes_redraw_only_their_columns(qloop: LoopRunner) -> None:
    model = SessionTableModel(tick_ms=10_000)
    first = snap(last_backup_at=None)
    model.apply([first])
    seen: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles=(): seen.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.apply([first])  # identical: nothing
    assert seen == []
    model.apply([snap(since=first.since, last_backup_at=time.time())])
    assert seen == [(0, Column.LAST_BACKUP, 0, Column.LAST_BACKUP)]


def test_countdown_ticks_only_time_columns(qtbot, qloop: LoopRunner) -> None:
    model = SessionTableModel(tick_ms=20)
    model.apply([snap(status=Status.RECONNECTING, next_retry_at=time.time() + 5)])
    with qtbot.waitSignal(model.dataChanged, timeout=2000) as blocker:
        pass
    top, bottom = blocker.args[0], blocker.args[1]
    assert (top.column(), bottom.column()) == (Column.SINCE, Column.UPTIME)


def test_bridge_coalesces_a_burst_into_one_update(qtbot, qloop: LoopRunner, tmp_path: Path) -> None:
    """3000 status changes for 300 numbers become one batch and one insert."""
    pool = build_test_pool(tmp_path / "d", tmp_path / "r", MemoryKeyStore())  # never started
    bridge = PoolBridge(pool, flush_interval_ms=30)
    model = SessionTableModel(tick_ms=10_000)
    bridge.snapshots_changed.connect(model.apply)
    inserts: list[int] = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append(last - first + 1))
    statuses = [Status.CONNECTING, Status.QR, Status.CONNECTED, Status.RECONNECTING]
    for i in range(3000):
        bridge._on_pool_snapshot(snap(f"5190000{i % 300:04d}", statuses[i % 4], attempt=i))
    with qtbot.waitSignal(bridge.snapshots_changed, timeout=2000):
        pass
    assert bridge.flushes == 1
    assert inserts == [300]
    assert model.rowCount() == 300
    last = model.data(model.index(299, 0), Role.SNAPSHOT)
    assert last.attempt == 2999  # the newest snapshot of each number wins


def backup(ts: str, at: float, reason: str = "manual", connected: bool = True) -> BackupInfo:
    return BackupInfo(
        "51900000001", ts, Path(f"/x/creds-{ts}.lila"), reason, 163_840, connected, at
    )


def test_backup_model_passes_modeltester(qtmodeltester, qloop: LoopRunner) -> None:
    model = BackupListModel()
    qtmodeltester.check(model, force_py=True)
    now = time.time()
    model.set_backups(
        "51900000001",
        [
            backup("2026-01-28T12-30-45-123Z", now - 100, "paired"),
            backup("2026-01-28T12-35-45-123Z", now, "before-logout", connected=False),
        ],
    )
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, 1)) == "Before logging out"  # newest first, plain words
    assert model.data(model.index(1, 1)) == "Just linked"
    assert model.data(model.index(0, 2)) == "160.0 KiB"


def entry(msg: str, level: str = "info", phone: str = "") -> LogEntry:
    return LogEntry(time.time(), level, "lila", msg, phone, "")


def test_log_models_pass_modeltester_and_filter(qtmodeltester, qloop: LoopRunner) -> None:
    model = LogModel(max_rows=3)
    proxy = LogFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model, force_py=True)
    model.append([entry("started"), entry("dropped", "warning", "51900000001")])
    model.append([entry("backup taken", phone="51900000002"), entry("boom", "error")])
    assert model.rowCount() == 3  # capped: the oldest line went
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_min_level("warning")
    assert [proxy.index(r, 3).data() for r in range(proxy.rowCount())] == ["dropped", "boom"]
    proxy.set_min_level("debug")
    proxy.set_phone("+51 900000002")
    assert proxy.rowCount() == 1
    proxy.set_phone("")
    proxy.set_text("BOOM")
    assert proxy.rowCount() == 1 and proxy.index(0, 3).data() == "boom"


def test_log_entry_parses_our_json_lines() -> None:
    line = json.dumps({"ts": 1.5, "level": "warning", "logger": "x", "msg": "m", "phone": "519"})
    parsed = LogEntry.parse(line)
    assert parsed == LogEntry(1.5, "warning", "x", "m", "519", "")
    assert LogEntry.parse("not json") is None
    assert LogEntry.parse("[1, 2]") is None


@pytest.mark.parametrize("role", [Qt.ItemDataRole.DisplayRole, Role.PHONE])
def test_invalid_index_has_no_data(role: int, qloop: LoopRunner) -> None:
    model = SessionTableModel(tick_ms=10_000)
    assert model.data(QModelIndex(), role) is None
