"""The Outbox tab over a real pool, ledger and outbox: it follows the selected
number, shows what waits (and why it is blocked), and cancels a queued message."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lila_desktop.core.outbox import MessageStatus
from lila_desktop.core.settings import Settings
from lila_desktop.services.outbox.wiring import OUTBOX_FILE, start_outbox
from lila_desktop.services.quota import SqliteLedger
from lila_desktop.ui.widgets.outbox_view import attach_outbox_view
from lila_desktop.ui.widgets.webhook_dialog import WebhookDialog
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_support import App, app, modal

__all__ = ["app"]

A = "51911111111"
OTHER = "51987654321"
REFUSED = "51900000000"


def test_the_outbox_tab_shows_waiting_messages_and_cancels_one(
    qloop: LoopRunner, app: App, tmp_path: Path
) -> None:
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=10)

    async def scenario() -> None:
        running = await start_outbox(
            app.harness.pool, ledger, app.harness.data_dir, Settings(send_interval_seconds=0)
        )
        view = attach_outbox_view(app.window, running.outbox)
        try:
            await app.harness.link(A)
            app.window.select_phone(A)
            await wait_until(lambda: view.phone == A, what="follows the selection")
            await app.bridge.simulate(None, "network_down", {})
            await app.harness.wait(A, lambda s: not s.is_connected)
            first, _ = await running.outbox.accept(A, OTHER, "uno")
            await running.outbox.accept(A, OTHER, "dos")
            await wait_until(lambda: "2 waiting" in view.title.text(), what="two waiting")
            tabs = app.window.tabs
            assert tabs.tabText(tabs.indexOf(view)) == "Outbox (2)"
            row = app.window.model.row_of(A)
            assert app.window.model.index(row, 0).data() == f"+{A}  ✉ 2", "the row shows it"
            assert view.table.rowCount() == 2 and not view.cancel_button.isEnabled()
            view.table.selectRow(1)  # newest first: "uno" is the second row
            assert view.selected() is not None and view.selected().id == first.id  # type: ignore[union-attr]
            assert view.cancel_button.isEnabled() and not view.retry_button.isEnabled()
            view.cancel_button.click()
            await wait_until(lambda: "Cancelled" in view.result.text(), what="cancelled")
            assert (await running.outbox.get(first.id)).status is MessageStatus.CANCELLED
            await wait_until(lambda: "1 waiting" in view.title.text(), what="one left")
            assert app.window.model.index(row, 0).data() == f"+{A}  ✉ 1"
            # The number needs its owner: the queue says it is blocked, and why.
            await app.bridge.simulate(A, "temp_ban", {"seconds": 3600})
            await app.bridge.simulate(None, "network_up", {})
            await app.harness.wait_status(A, "temp_banned")
            view.refresh()
            await wait_until(lambda: "blocked" in view.title.text(), what="blocked")
        finally:
            await running.aclose()
            await ledger.aclose()

    qloop.run(scenario())


def test_the_webhook_is_set_from_the_outbox_tab(
    qloop: LoopRunner, app: App, tmp_path: Path
) -> None:
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=10)

    async def scenario() -> None:
        running = await start_outbox(
            app.harness.pool, ledger, app.harness.data_dir, Settings(send_interval_seconds=0)
        )
        view = attach_outbox_view(app.window, running.outbox)
        try:
            view.webhook_button.click()
            dialog = await modal(WebhookDialog)
            assert isinstance(dialog, WebhookDialog)
            dialog.url_edit.setText("http://127.0.0.1:9/hook")
            dialog.save_button.click()
            await wait_until(lambda: "private" in dialog.result_label.text(), what="refused")
            assert running.outbox.store.webhook() is None
            dialog.private_check.setChecked(True)
            dialog.save_button.click()
            await wait_until(lambda: dialog.secret_edit.text().startswith("whsec_"), what="saved")
            config = running.outbox.store.webhook()
            assert config is not None and config.secret == dialog.secret_edit.text()
            assert config.allow_private
            dialog.off_button.click()
            await wait_until(lambda: running.outbox.store.webhook() is None, what="off")
            dialog.accept()
            await wait_until(lambda: view.webhook_dialog is None, what="closed")
        finally:
            await running.aclose()
            await ledger.aclose()

    qloop.run(scenario())


def test_the_latest_messages_can_be_narrowed_to_waiting_failed_or_unknown(
    qloop: LoopRunner, app: App, tmp_path: Path
) -> None:
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=10)
    settings = Settings(send_interval_seconds=0)

    async def scenario() -> None:
        await app.harness.link(A)
        # Unknown: what a kill -9 in the middle of a send leaves behind.
        first = await start_outbox(app.harness.pool, ledger, app.harness.data_dir, settings)
        await app.bridge.simulate(None, "network_down", {})
        await app.harness.wait(A, lambda s: not s.is_connected)
        maybe, _ = await first.outbox.accept(A, OTHER, "quizá")
        await first.aclose()
        with sqlite3.connect(app.harness.data_dir / OUTBOX_FILE) as db:
            db.execute("UPDATE messages SET status = 'sending' WHERE id = ?", (maybe.id,))
        running = await start_outbox(app.harness.pool, ledger, app.harness.data_dir, settings)
        view = attach_outbox_view(app.window, running.outbox)
        try:
            assert (await running.outbox.get(maybe.id)).status is MessageStatus.UNKNOWN
            await app.bridge.simulate(None, "network_up", {})
            await app.harness.wait_status(A, "connected")
            await app.bridge.simulate(A, "refuse", {"to": REFUSED})
            refused, _ = await running.outbox.accept(A, REFUSED, "¿existe?")
            failed = await running.outbox.wait_settled(refused.id, 10)
            assert failed.status is MessageStatus.FAILED
            await app.bridge.simulate(None, "network_down", {})
            await app.harness.wait(A, lambda s: not s.is_connected)
            waiting, _ = await running.outbox.accept(A, OTHER, "espera")
            app.window.select_phone(A)
            await wait_until(lambda: view.table.rowCount() == 3, what="all three")
            shown = {"all", "waiting", "failed", "unknown"}
            assert {view.filter_combo.itemText(i) for i in range(4)} == shown

            def ids() -> list[str]:
                return [m.id for m in view.messages]

            for index, expected in ((1, waiting.id), (2, failed.id), (3, maybe.id)):
                view.filter_combo.setCurrentIndex(index)
                await wait_until(lambda e=expected: ids() == [e], what=f"filter {index}")  # type: ignore[misc]
                assert view.table.rowCount() == 1
            # The filter holds while the outbox changes: a new waiting one stays out.
            later, _ = await running.outbox.accept(A, OTHER, "otra")
            await wait_until(lambda: "2 waiting" in view.title.text(), what="redrawn")
            assert ids() == [maybe.id]
            view.filter_combo.setCurrentIndex(0)
            await wait_until(lambda: len(ids()) == 4, what="all again")
            assert ids()[0] == later.id
        finally:
            await running.aclose()
            await ledger.aclose()

    qloop.run(scenario())
