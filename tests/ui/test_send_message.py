"""Sending a test message from the window, and the quota line, over a real pool
(simulated transport), the real SQLite ledger, and the MongoDB portal ledger
against a dead port and against a wire-protocol portal that goes away."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from lila_desktop.core.quota import CircuitBreaker
from lila_desktop.core.settings import Settings
from lila_desktop.services.messaging import MAX_TEXT
from lila_desktop.services.outbox.wiring import RunningOutbox, start_outbox
from lila_desktop.services.quota import MongoLedger, SqliteLedger
from lila_desktop.ui.dialogs.send_dialog import SendMessageDialog
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_support import App, app, modal
from tests.unit.services.test_quota_mongo import FakePortal, company, fast_client

__all__ = ["app"]

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
A = "51911111111"
OTHER = "51987654321"
LIMIT = 2


@pytest.fixture
def ledger(qloop: LoopRunner, tmp_path: Path) -> Iterator[SqliteLedger]:
    led = SqliteLedger(tmp_path / "quota.sqlite3", limit=LIMIT)
    yield led
    qloop.run(led.aclose())


@pytest.fixture
def sending(qloop: LoopRunner, app: App, ledger: SqliteLedger) -> Iterator[App]:
    """The window with the local quota ledger and the outbox, as GuiApp wires them."""
    app.window.quota.set_ledger(ledger)
    running = qloop.run(with_outbox(app, ledger))
    yield app
    qloop.run(running.aclose())


async def with_outbox(app: App, ledger: Any) -> RunningOutbox:
    """The outbox over `ledger`, as the window's send path (no pacing in tests)."""
    running = await start_outbox(
        app.harness.pool, ledger, app.harness.data_dir, Settings(send_interval_seconds=0)
    )
    app.controller.outbox = running.outbox
    return running


def counts(ledger: SqliteLedger) -> tuple[int, int]:
    status = ledger._status()  # the blocking read; fine in a test
    return status.used, status.reserved


def quota_text(app: App) -> str:
    label = app.window.quota_label
    return label.text() if label.isVisible() else ""


async def open_dialog(app: App) -> SendMessageDialog:
    app.window.select_phone(A)
    await wait_until(app.window.actions_.send_test.isEnabled, what="send action enabled")
    app.window.actions_.send_test.trigger()
    dialog = await modal(SendMessageDialog)
    assert isinstance(dialog, SendMessageDialog)
    return dialog


async def send(dialog: SendMessageDialog, to: str, text: str) -> str:
    """Type, press Send, and return the result line once the send is over."""
    dialog.to_edit.setText(to)
    dialog.text_edit.setPlainText(text)
    dialog.result_label.setText("")  # so an earlier result is not taken for this one
    dialog.send_button.click()
    await wait_until(
        lambda: (
            dialog.send_button.isEnabled() and dialog.result_label.text() not in ("", "Sending…")
        ),
        what="a result",
    )
    return dialog.result_label.text()


async def close(app: App, dialog: SendMessageDialog) -> None:
    """Close the dialog and let the controller's flow finish within this test."""
    dialog.reject()
    await wait_until(lambda: app.controller.send_dialog is None, what="dialog flow over")


def test_the_action_follows_the_status_and_lives_in_menu_toolbar_and_shortcut(
    qloop: LoopRunner, sending: App
) -> None:
    action = sending.window.actions_.send_test
    assert action.shortcut().toString() == "Ctrl+T"
    assert action in sending.window.number_menu.actions()
    assert action in sending.window.toolbar.actions()

    async def scenario() -> None:
        await sending.bridge.add(A)
        await sending.harness.wait(A, lambda s: s.qr is not None)
        sending.window.select_phone(A)
        await wait_until(lambda: sending.status(A) == "qr", what="row shows qr")
        assert not action.isEnabled(), "no sending before the number is linked"
        await sending.bridge.simulate(A, "scan", {})
        await wait_until(action.isEnabled, what="enabled once connected")
        await sending.bridge.stop_session(A)
        await wait_until(lambda: not action.isEnabled(), what="disabled once stopped")

    qloop.run(scenario())


def test_the_dialog_checks_its_input_before_anything_is_reserved(
    qloop: LoopRunner, sending: App, ledger: SqliteLedger
) -> None:
    async def scenario() -> None:
        await sending.harness.link(A)
        dialog = await open_dialog(sending)
        assert "from +51911111111" in dialog.intro_label.text()
        assert "Type the recipient's number" in await send(dialog, "hola", "Hola")
        assert "Type the recipient's number" in await send(dialog, "x@evil.example", "Hola")
        assert "Write the message" in await send(dialog, OTHER, "   ")
        dialog.text_edit.setPlainText("x" * (MAX_TEXT + 1))
        assert dialog.count_label.text() == f"{MAX_TEXT + 1} of {MAX_TEXT} characters"
        assert "#b3261e" in dialog.count_label.styleSheet(), "the count turns red"
        assert f"too long: {MAX_TEXT + 1} characters; at most {MAX_TEXT}" in await send(
            dialog, OTHER, "x" * (MAX_TEXT + 1)
        )
        assert dialog.isVisible()
        await close(sending, dialog)

    qloop.run(scenario())
    assert counts(ledger) == (0, 0)


def test_a_send_lands_counts_and_updates_the_quota_line(
    qloop: LoopRunner, sending: App, ledger: SqliteLedger
) -> None:
    async def scenario() -> None:
        await sending.harness.link(A)
        sending.window.select_phone(A)
        await wait_until(
            lambda: quota_text(sending) == "Messages this month: 0 of 2 (local)",
            what="quota line",
        )
        dialog = await open_dialog(sending)
        result = await send(dialog, "+51 987 654 321", "Hola desde la prueba")
        assert result.startswith(f"Sent to +{OTHER} (message id 3EB0"), result
        assert "Messages this month: 1 of 2 (local)" in result
        [sent] = dialog.sent
        assert sent.key.startswith("ui-") and sent.sender == A
        await wait_until(
            lambda: quota_text(sending) == "Messages this month: 1 of 2 (local)",
            what="the line follows the send",
        )
        assert "sent 1" in sending.window.quota_label.toolTip()
        await close(sending, dialog)

    qloop.run(scenario())
    assert counts(ledger) == (1, 0)


def test_over_quota_says_so_with_the_numbers_and_sends_nothing(
    qloop: LoopRunner, sending: App, ledger: SqliteLedger
) -> None:
    async def scenario() -> None:
        await sending.harness.link(A)
        dialog = await open_dialog(sending)
        for i in range(LIMIT):
            assert (await send(dialog, OTHER, f"n{i}")).startswith("Sent to")
        result = await send(dialog, OTHER, "one too many")
        assert result.startswith("Not sent: this month's message quota is used up (2 of 2 in "), (
            result
        )
        assert "WHATSAPP_QUOTA_EXCEEDED" in result
        assert "raise the monthly limit in Settings" in result
        assert len(dialog.sent) == LIMIT
        await wait_until(lambda: "used up" in quota_text(sending), what="line says used up")
        assert quota_text(sending).startswith("Messages this month: 2 of 2 (local)")
        assert "#b3261e" in sending.window.quota_label.styleSheet()
        await close(sending, dialog)

    qloop.run(scenario())
    assert counts(ledger) == (LIMIT, 0)


def test_not_connected_says_what_to_do(
    qloop: LoopRunner, sending: App, ledger: SqliteLedger
) -> None:
    async def scenario() -> None:
        await sending.harness.link(A)
        dialog = await open_dialog(sending)
        await sending.bridge.stop_session(A)
        await sending.harness.wait_status(A, "stopped")
        result = await send(dialog, OTHER, "Hola")
        assert result == (
            "Not sent: +51911111111 is not connected (Stopped). Connect it, or link it "
            "again, and wait until it shows Connected; then send again."
        )
        await close(sending, dialog)

    qloop.run(scenario())
    assert counts(ledger) == (0, 0)


def test_the_quota_line_refreshes_by_itself(qloop: LoopRunner, app: App, tmp_path: Path) -> None:
    """Sends through the API (or another laptop) show up without touching the window."""
    from lila_desktop.ui.quota_monitor import QuotaMonitor

    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=1000)
    monitor = QuotaMonitor(app.window, interval_ms=100)
    monitor.set_ledger(ledger)
    views: list[str] = []
    monitor.changed.connect(lambda: views.append(v.text if (v := monitor.view()) else ""))

    async def scenario() -> None:
        # Cleaned up inside the loop run: qasync processes Qt events once more after
        # run_until_complete returns, and a flusher step then would find no loop.
        try:
            await app.harness.link(A)
            monitor.watch(A)
            await wait_until(lambda: views and views[-1].startswith("Messages this month: 0"))
            await ledger.reserve(A, "elsewhere-1")
            await ledger.commit(A, "elsewhere-1")
            await wait_until(
                lambda: views[-1] == "Messages this month: 1 of 1,000 (local)",
                timeout=5,
                what="the timer's read",
            )
            monitor.watch(None)
            assert monitor.view() is None
        finally:
            monitor.stop()
            await ledger.aclose()

    qloop.run(scenario())


# --- the company portal ---------------------------------------------------------


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


class ThreadRecorder:
    """A client factory that notes the thread each MongoClient is made on."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []

    def __call__(self, uri: str) -> MongoClient[dict[str, Any]]:
        self.threads.append(threading.current_thread())
        return fast_client(uri)


def portal_ledger(uri: str, tmp_path: Path, factory: ThreadRecorder) -> MongoLedger:
    return MongoLedger(
        uri,
        outbox_path=tmp_path / "outbox.sqlite3",
        client_factory=factory,
        op_timeout=0.5,  # bounded: a dead portal costs at most this per read
        breaker=CircuitBreaker(failure_threshold=1, reset_after=0.3),
        status_max_age=0.0,
        flush_interval=0.2,
    )


def test_a_dead_portal_shows_unreachable_and_never_freezes_the_window(
    qloop: LoopRunner, app: App, tmp_path: Path
) -> None:
    factory = ThreadRecorder()
    ledger = portal_ledger(f"mongodb://127.0.0.1:{dead_port()}/", tmp_path, factory)

    async def scenario() -> None:
        # Cleaned up inside the loop run: qasync processes Qt events once more after
        # run_until_complete returns, and a flusher step then would find no loop.
        running: RunningOutbox | None = None
        try:
            await app.harness.link(A)
            app.window.select_phone(A)
            app.window.quota.set_ledger(ledger)
            running = await with_outbox(app, ledger)
            await wait_until(
                lambda: quota_text(app).startswith("Company portal unreachable"),
                timeout=10,
                what="the unreachable line",
            )
            assert "not told this computer the quota" in quota_text(app)
            dialog = await open_dialog(app)
            result = await send(dialog, OTHER, "Hola")
            assert result.startswith("Not sent: Company portal unreachable"), result
            await close(app, dialog)
        finally:
            app.window.quota.stop()
            if running is not None:
                await running.aclose()
            await ledger.aclose()

    qloop.run(scenario())
    assert factory.threads, "the portal was tried"
    assert all(t is not threading.main_thread() for t in factory.threads), (
        "pymongo never runs on the GUI thread"  # what keeps the window from freezing
    )


def test_a_portal_that_goes_away_leaves_sending_within_the_last_known_quota(
    qloop: LoopRunner, app: App, tmp_path: Path
) -> None:
    doc = company(sender="+" + A, limit=10, used=3)
    portal = FakePortal([doc])
    portal.start()
    factory = ThreadRecorder()
    ledger = portal_ledger(portal.uri, tmp_path, factory)

    async def scenario() -> None:
        # Cleaned up inside the loop run: qasync processes Qt events once more after
        # run_until_complete returns, and a flusher step then would find no loop.
        running: RunningOutbox | None = None
        try:
            await app.harness.link(A)
            app.window.select_phone(A)
            app.window.quota.set_ledger(ledger)
            running = await with_outbox(app, ledger)
            await wait_until(
                lambda: quota_text(app) == "Messages this month: 3 of 10 (company portal)",
                timeout=10,
                what="the portal's numbers",
            )
            portal.stop()
            app.window.quota.refresh()
            await wait_until(
                lambda: quota_text(app).startswith(
                    "Company portal unreachable — sending within the last known quota"
                ),
                timeout=10,
                what="the unreachable line",
            )
            assert quota_text(app).endswith("Messages this month: 3 of 10 (company portal)")
            assert "#8a6300" in app.window.quota_label.styleSheet(), "amber: works, but look"
            dialog = await open_dialog(app)
            result = await send(dialog, OTHER, "Hola")
            assert result.startswith(f"Sent to +{OTHER}"), result
            assert "Company portal unreachable" in result and "4 of 10" in result
            await wait_until(lambda: "4 of 10" in quota_text(app), what="counted locally")
            await close(app, dialog)
            SHOTS.mkdir(parents=True, exist_ok=True)  # for people: what the owner sees
            assert app.window.grab().save(str(SHOTS / "portal-last-known-quota.png"))
        finally:
            app.window.quota.stop()
            portal.stop()
            if running is not None:
                await running.aclose()
            await ledger.aclose()

    qloop.run(scenario())
    assert not portal.errors
    assert all(t is not threading.main_thread() for t in factory.threads)
