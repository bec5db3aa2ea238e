"""The simulated transport, driven through the bridge: the table, the tray
colour and the notifications follow what happens to the numbers."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from lila_desktop.core.actions import NoticeKind
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.snapshot import Notice
from lila_desktop.core.status import Severity, Status
from lila_desktop.ui import i18n
from lila_desktop.ui.bridge import ActionError, PoolBridge
from lila_desktop.ui.models.sessions import Column, Role, SessionTableModel
from lila_desktop.ui.tray import TrayController
from tests.conftest import PoolHarness
from tests.ui.conftest import LoopRunner, wait_until

A, B, C = "51911111111", "51922222222", "51933333333"


_made: list[tuple[PoolBridge, SessionTableModel, TrayController]] = []


@pytest.fixture(autouse=True)
def _cleanup() -> Iterator[None]:
    """Nothing of one test (a pending notice timer) may fire during another."""
    yield
    while _made:
        bridge, model, tray = _made.pop()
        bridge.detach()
        for obj in (bridge, model, tray):
            obj.deleteLater()


def wire(harness: PoolHarness) -> tuple[PoolBridge, SessionTableModel, TrayController]:
    bridge = PoolBridge(harness.pool, flush_interval_ms=20)
    bridge.attach()
    model = SessionTableModel(tick_ms=10_000)
    tray = TrayController(group_window_ms=150)
    bridge.snapshots_changed.connect(model.apply)
    bridge.snapshots_changed.connect(tray.update_snapshots)
    bridge.notice_received.connect(tray.notify)
    _made.append((bridge, model, tray))
    return bridge, model, tray


def status_of(model: SessionTableModel, phone: str) -> str | None:
    row = model.row_of(phone)
    return None if row < 0 else model.data(model.index(row, Column.STATUS), Role.STATUS)


def test_link_and_logout_show_in_table_tray_and_notifications(
    qloop: LoopRunner, ui_harness: PoolHarness
) -> None:
    bridge, model, tray = wire(ui_harness)
    assert not tray.available  # offscreen has no tray host: notices go to `notified`
    shown: list[tuple[str, str, bool]] = []
    tray.notified.connect(lambda t, b, bad: shown.append((t, b, bad)))

    async def scenario() -> None:
        await bridge.add(A, "Front desk")
        await wait_until(lambda: status_of(model, A) == "qr", what="QR status in the table")
        assert tray.severity is Severity.WORKING
        await bridge.simulate(A, "scan")
        await wait_until(lambda: status_of(model, A) == "connected", what="connected row")
        assert tray.severity is Severity.OK
        assert model.data(model.index(model.row_of(A), Column.STATUS)) == "Connected"
        await ui_harness.wait(A, lambda s: s.last_backup_at is not None)
        await bridge.simulate(A, "logout", {"code": 401})
        await wait_until(lambda: status_of(model, A) == "logged_out", what="logged out row")
        assert tray.severity is Severity.ATTENTION
        await wait_until(lambda: shown, what="a notification")

    qloop.run(scenario())
    assert shown == [
        (
            "Front desk (+51911111111) was logged out",
            "This number was logged out (401), usually because it was removed from Linked "
            "devices on the phone. Press Restore to try the last backup, or link again "
            "with a new QR.",
            True,
        )
    ]
    assert tray.sent == [(t, b) for t, b, _ in shown]
    # The tray menu lists the number with its state.
    labels = [a.text() for a in tray.menu.actions()]
    assert any("+51911111111" in text and "Logged out" in text for text in labels)


def test_many_drops_at_once_make_one_notification(
    qloop: LoopRunner, ui_harness: PoolHarness
) -> None:
    bridge, _model, tray = wire(ui_harness)
    shown: list[str] = []
    tray.notified.connect(lambda t, _b, _bad: shown.append(t))

    async def scenario() -> None:
        for phone in (A, B, C):
            await ui_harness.link(phone)
        for phone in (A, B, C):
            await ui_harness.wait(phone, lambda s: s.is_connected)
        await bridge.simulate(None, "network_down")
        # Still down after the (test) grace period: three DOWN notices, one notification.
        await wait_until(lambda: len(ui_harness.notices) >= 3, timeout=15, what="3 notices")
        await wait_until(lambda: shown, what="grouped notification")
        await bridge.simulate(None, "network_up")
        await wait_until(lambda: len(shown) >= 2, timeout=15, what="recovered notification")

    qloop.run(scenario())
    assert shown[0] == "3 numbers need attention"
    assert shown[1] == "3 numbers are connected again"
    assert len(shown) == 2


def test_grouping_keeps_only_the_latest_word_per_number(qloop: LoopRunner) -> None:
    tray = TrayController(group_window_ms=10_000)
    now = time.time()
    down = Message.of(Code.STILL_DOWN, minutes=2, code=None)
    tray.notify(Notice(A, "", NoticeKind.DOWN, down, now))
    tray.notify(Notice(A, "", NoticeKind.RECOVERED, Message.of(Code.RECOVERED), now))
    tray.notify(Notice(B, "Deliveries", NoticeKind.REPLACED, Message.of(Code.REPLACED_PAUSED), now))
    tray.flush_notices()
    assert [t for t, _ in tray.sent] == [
        "Deliveries (+51922222222) was opened elsewhere",
        "+51911111111 is connected again",
    ]
    tray.notifications = False  # switched off in Settings
    tray.notify(Notice(C, "", NoticeKind.LOGGED_OUT, Message.of(Code.LOGGED_OUT, code=401), now))
    tray.flush_notices()
    assert len(tray.sent) == 2


def test_refusals_come_back_as_plain_words(qloop: LoopRunner, ui_harness: PoolHarness) -> None:
    bridge = PoolBridge(ui_harness.pool)

    async def scenario() -> list[str]:
        errors = []
        for call in (
            lambda: bridge.add("12ab"),
            lambda: bridge.start_session("51999999999"),
            lambda: bridge.pair_phone("51999999999"),
        ):
            try:
                await call()
            except ActionError as exc:
                errors.append(str(exc))
        return errors

    errors = qloop.run(scenario())
    assert len(errors) == 3
    assert "digits" in errors[0]
    assert errors[1] == "This number is not in the list. Add the number first."
    i18n.install_language("es")
    try:
        spanish = qloop.run(scenario())
    finally:
        i18n.install_language("en")
    assert spanish[1] == "Este número no está en la lista. Añade primero el número."
    assert "dígitos" in spanish[0]


def test_status_changes_under_a_reconnect_storm_stay_consistent(
    qloop: LoopRunner, ui_harness: PoolHarness
) -> None:
    bridge, model, tray = wire(ui_harness)

    async def scenario() -> None:
        await ui_harness.link(A)
        for _ in range(5):
            await bridge.simulate(A, "disconnect", {"code": 515})
            await ui_harness.wait(A, lambda s: not s.is_connected, 15)
            await ui_harness.wait(A, lambda s: s.is_connected, 15)
        await wait_until(lambda: status_of(model, A) == "connected", what="settled row")

    qloop.run(scenario())
    assert tray.severity is Severity.OK
    assert model.data(model.index(0, Column.STATUS), Role.SNAPSHOT).status is Status.CONNECTED
    assert bridge.flushes < len(ui_harness.history)  # coalesced, not one redraw per change
