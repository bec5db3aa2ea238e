"""The timeline picture: spans, drops and backup markers drawn from a recorded
history (checked through the canvas's own geometry and hit-testing), hover
tooltips, the keyboard, and a restore offered by clicking a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from lila_desktop.core.messages import Code, Message
from lila_desktop.core.status import Status
from lila_desktop.core.timeline import Band, EventKind, HistoryEvent, build_timeline
from lila_desktop.services.pool import RestoreOutcome
from lila_desktop.services.vault import BackupInfo
from lila_desktop.ui import i18n
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.widgets.backup_timeline import BackupTimeline
from lila_desktop.ui.widgets.timeline_canvas import ItemKind, TimelineCanvas
from tests.conftest import PoolHarness
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.test_window import answer
from tests.ui.window_history_support import HApp, happ, registry_saved, save_shot

__all__ = ["happ"]
A = "51911111111"
T0 = 1_900_000_000.0
H = 3600.0


def recorded_day() -> list[HistoryEvent]:
    def st(h: float, s: Status, code: int | None = None, reason: str | None = None) -> HistoryEvent:
        return HistoryEvent(T0 + h * H, A, EventKind.STATUS, s, reason, code)

    return [
        st(0, Status.CONNECTED),
        st(6, Status.RECONNECTING, 408, "keepalive timeout"),
        st(6.5, Status.CONNECTED),
        HistoryEvent(T0 + 8 * H, A, EventKind.BACKUP),  # kept (below)
        HistoryEvent(T0 + 2 * H, A, EventKind.BACKUP),  # long pruned
        st(18, Status.LOGGED_OUT, 401, "device removed"),
        st(20, Status.CONNECTED),
    ]


def kept_backup(hours: float) -> BackupInfo:
    return BackupInfo(A, f"t{hours}", Path("x"), "periodic", 1000, True, T0 + hours * H)


@pytest.fixture
def canvas(qloop: LoopRunner, qtbot) -> TimelineCanvas:
    widget = TimelineCanvas()
    qtbot.addWidget(widget)
    widget.resize(1020, widget.minimumSizeHint().height())
    widget.set_timeline(build_timeline(recorded_day(), T0, T0 + 24 * H), [kept_backup(8)])
    widget.show()
    return widget


def test_spans_drops_and_markers_are_placed_on_the_time_axis(canvas: TimelineCanvas) -> None:
    width = canvas.width() - 2 * canvas.MARGIN  # 1000 px for 24 h

    def x(hours: float) -> float:
        return canvas.MARGIN + hours / 24 * width

    spans = [i for i in canvas.items() if i.kind is ItemKind.SPAN]
    assert [(round(i.rect.left()), round(i.rect.right()), i.band) for i in spans] == [
        (round(x(0)), round(x(6)), Band.UP),
        (round(x(6)), round(x(6.5)), Band.WORKING),
        (round(x(6.5)), round(x(18)), Band.UP),
        (round(x(18)), round(x(20)), Band.DOWN),
        (round(x(20)), round(x(24)), Band.UP),
    ]
    drops = [i for i in canvas.items() if i.kind is ItemKind.DROP]
    assert [round(i.rect.center().x()) for i in drops] == [round(x(6)), round(x(18))]
    assert "timed out (408)" in drops[0].tooltip
    assert "removed this computer (401)" in drops[1].tooltip
    kept = [i for i in canvas.items() if i.kind is ItemKind.BACKUP]
    assert [round(i.rect.center().x()) for i in kept] == [round(x(8))]
    pruned = [i for i in canvas.items() if i.kind is ItemKind.PAST_BACKUP]
    assert [round(i.rect.center().x()) for i in pruned] == [round(x(2))]  # 8 h matched the file
    # Drops sit above the band, backups below it: they never hide each other.
    band_top, band_bottom = canvas.BAND
    assert all(i.rect.bottom() <= band_top for i in drops)
    assert all(i.rect.top() >= band_bottom for i in kept + pruned)


def test_hover_and_hit_testing_find_what_is_under_the_pointer(canvas: TimelineCanvas) -> None:
    drop = next(i for i in canvas.items() if i.kind is ItemKind.DROP)
    assert canvas.item_at(drop.rect.center()) == drop
    band_middle = QPointF(canvas.MARGIN + 12 / 24 * (canvas.width() - 20), sum(canvas.BAND) / 2)
    span = canvas.item_at(band_middle)
    assert span is not None and span.band is Band.UP and "Connected from" in span.tooltip
    assert canvas.item_at(QPointF(canvas.width() / 2, canvas.height() - 1)) is None


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: focusing a top-level window
def test_a_click_or_the_keyboard_chooses_a_kept_backup(canvas: TimelineCanvas, qtbot) -> None:
    marker = next(i for i in canvas.items() if i.kind is ItemKind.BACKUP)
    with qtbot.waitSignal(canvas.backup_clicked) as clicked:
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=marker.rect.center().toPoint())
    assert clicked.args[0].timestamp == "t8"
    pruned = next(i for i in canvas.items() if i.kind is ItemKind.PAST_BACKUP)
    with qtbot.assertNotEmitted(canvas.backup_clicked):
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pruned.rect.center().toPoint())
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_End)
    with qtbot.waitSignal(canvas.backup_clicked) as entered:
        QTest.keyClick(canvas, Qt.Key.Key_Return)
    assert entered.args[0].timestamp == "t8"


def test_clicking_a_backup_restores_it_after_asking(qloop: LoopRunner, happ: HApp) -> None:
    window, panel = happ.window, happ.window.history_view

    async def scenario() -> None:
        await happ.harness.link(A)
        await wait_until(lambda: window.model.rowCount() == 1)
        window.select_phone(A)
        await happ.harness.pool.simulate(A, "logout", {"code": 401})
        await wait_until(lambda: happ.harness.pool.snapshot(A).status is Status.LOGGED_OUT)
        await wait_until(lambda: panel.canvas.clickable(), what="a kept backup on the timeline")
        await wait_until(
            lambda: [d.status for d in panel.timeline().drops] == [Status.LOGGED_OUT],  # type: ignore[union-attr]
            what="the logout drawn as a drop",
        )
        save_shot(window, "timeline-logged-out")
        marker = panel.canvas.clickable()[-1]
        QTest.mouseClick(
            panel.canvas, Qt.MouseButton.LeftButton, pos=marker.rect.center().toPoint()
        )
        await answer(confirm=True)  # the same confirmation as the Restore button
        await wait_until(lambda: happ.harness.pool.snapshot(A).is_connected, timeout=30)
        await wait_until(lambda: not window.timeline.progress.isVisible(), what="restore done")
        window.tabs.setCurrentWidget(panel)
        await wait_until(
            lambda: any(i.kind is ItemKind.RESTORE for i in panel.canvas.items()),
            what="the restore drawn",
        )
        await registry_saved(happ, A)

    qloop.run(scenario())
    assert window.timeline.outcome.text() == f"Restored: +{A} is connected again."
    restores = [e for e in happ.history.events(A) if e.kind is EventKind.RESTORE]
    assert len(restores) == 1 and restores[0].ok is True
    assert window.tabs.currentWidget() is panel
    save_shot(window, "timeline")
    i18n.install_language("es")
    try:
        from tests.ui.test_i18n import deliver_language_change

        deliver_language_change()
        assert panel.range_buttons[7].text() == "7 días"
        save_shot(window, "timeline")
    finally:
        i18n.install_language("en")


def test_range_buttons_change_the_span_drawn(qloop: LoopRunner, happ: HApp) -> None:
    panel = happ.window.history_view
    happ.history.record(HistoryEvent(T0, A, EventKind.STATUS, Status.CONNECTED))
    panel.set_phone(A)
    for days in (7, 30, 1):
        panel.range_buttons[days].click()
        timeline = panel.canvas.timeline
        assert timeline is not None and timeline.end - timeline.start == days * 86400
        assert panel.range_buttons[days].isChecked()
        assert sum(b.isChecked() for b in panel.range_buttons.values()) == 1


def test_a_restore_refused_by_an_outdated_app_asks_for_the_update_not_a_qr(
    qloop: LoopRunner, ui_harness: PoolHarness, tmp_path: Path
) -> None:
    """A 405 after a restore: the device is still linked; only a logout asks for a QR."""
    view = BackupTimeline(PoolBridge(ui_harness.pool))
    info = BackupInfo(A, "t1", tmp_path / "creds-t1.lila", "manual", 1, True, 0.0)
    outdated = RestoreOutcome(info, False, Status.OUTDATED, "", Message.of(Code.OUTDATED))
    said = view.outcome_text(A, outdated)
    assert said.startswith("The backup is back in place. WhatsApp says this version"), said
    assert "QR" not in said and "removed" not in said
    removed = RestoreOutcome(info, False, Status.LOGGED_OUT, "", Message.of(Code.LOGGED_OUT))
    assert "new QR" in view.outcome_text(A, removed)
    i18n.install_language("es")
    try:
        assert view.outcome_text(A, outdated).startswith("La copia ya está puesta. ")
    finally:
        i18n.install_language("en")
