"""The webhook from Settings (Messages tab): the address in use or "not set", a
button that opens the Outbox tab's webhook dialog, and what the outbox keeps
after setting, showing and clearing it there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from lila_desktop.core.settings import Settings
from lila_desktop.services.outbox.wiring import start_outbox
from lila_desktop.services.quota import SqliteLedger
from lila_desktop.ui.dialogs.settings_dialog import SettingsDialog
from lila_desktop.ui.widgets.webhook_dialog import WebhookDialog
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_support import App, app, modal

__all__ = ["app"]

HOOK = "http://127.0.0.1:9/lila-events"


async def open_settings(app: App) -> SettingsDialog:
    app.window.settings_action.trigger()
    dialog = await modal(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    dialog.tabs.setCurrentIndex(2)  # Messages
    return dialog


async def close(dialog: SettingsDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Cancel).click()
    await wait_until(lambda: not dialog.isVisible(), what="settings closed")


async def webhook_dialog(dialog: SettingsDialog) -> WebhookDialog:
    dialog.webhook_setting.button.click()
    found = await modal(WebhookDialog)
    assert isinstance(found, WebhookDialog)
    return found


def test_the_webhook_is_set_shown_and_cleared_from_settings(
    qloop: LoopRunner, app: App, tmp_path: Path
) -> None:
    ledger = SqliteLedger(tmp_path / "quota.sqlite3", limit=10)

    async def scenario() -> None:
        running = await start_outbox(
            app.harness.pool, ledger, app.harness.data_dir, Settings(send_interval_seconds=0)
        )
        app.controller.outbox = running.outbox
        store = running.outbox.store
        try:
            settings = await open_settings(app)
            row = settings.webhook_setting
            assert row.url_view.text() == "" and row.url_view.placeholderText() == "not set"
            assert row.button.text() == "Set up…" and not row.private_note.isVisibleTo(row)

            # Set: a loopback address is refused until the owner ticks it.
            hook = await webhook_dialog(settings)
            hook.url_edit.setText(HOOK)
            hook.save_button.click()
            await wait_until(lambda: "private" in hook.result_label.text(), what="refused")
            assert store.webhook() is None
            hook.private_check.setChecked(True)
            hook.save_button.click()
            await wait_until(lambda: hook.secret_edit.text().startswith("whsec_"), what="saved")
            secret = hook.secret_edit.text()
            hook.accept()
            await wait_until(lambda: row.dialog is None, what="webhook dialog closed")
            assert row.url_view.text() == HOOK and row.button.text() == "Change…"
            assert row.private_note.isVisibleTo(row)
            config = store.webhook()
            assert config is not None
            assert (config.url, config.secret, config.allow_private) == (HOOK, secret, True)
            await close(settings)  # Cancel leaves the webhook saved: it applied at once
            assert store.webhook() == config

            # Shown: Settings opened again reads it from the outbox, so does the dialog.
            settings = await open_settings(app)
            row = settings.webhook_setting
            assert row.url_view.text() == HOOK and row.private_note.isVisibleTo(row)
            hook = await webhook_dialog(settings)
            await wait_until(lambda: hook.url_edit.text() == HOOK, what="dialog filled in")
            assert hook.private_check.isChecked() and hook.secret_edit.text() == ""

            # Cleared.
            hook.off_button.click()
            await wait_until(lambda: store.webhook() is None, what="webhook off")
            hook.accept()
            await wait_until(lambda: row.dialog is None, what="webhook dialog closed")
            assert row.url_view.text() == "" and row.button.text() == "Set up…"
            assert not row.private_note.isVisibleTo(row)
            await close(settings)
        finally:
            await running.aclose()
            await ledger.aclose()

    qloop.run(scenario())


def test_settings_say_when_the_webhook_cannot_be_set_yet(qloop: LoopRunner, app: App) -> None:
    async def scenario() -> None:
        assert app.controller.outbox is None  # the outbox starts after the window
        settings = await open_settings(app)
        row = settings.webhook_setting
        assert not row.button.isEnabled()
        assert row.url_view.placeholderText() == "can be set once Lila has started"
        await close(settings)

    qloop.run(scenario())
