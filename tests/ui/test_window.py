"""The main window over a real pool: linking through the dialog, session
actions with their confirmations, the backup timeline's restore, the log view,
settings and the language switch, and the no-tray fallback."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
)

from lila_desktop.core.status import Status
from lila_desktop.services.logs import log_file
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui import i18n
from lila_desktop.ui.dialogs.link_dialog import LinkDialog
from lila_desktop.ui.dialogs.settings_dialog import SettingsDialog
from lila_desktop.ui.models.sessions import Column, Role
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_support import App, app, modal

__all__ = ["app"]  # the fixture, shared with the quota and send tests

A, B = "51911111111", "51922222222"


async def answer(confirm: bool, tick: bool = False) -> None:
    box = await modal(QMessageBox, "confirm_box")
    assert isinstance(box, QMessageBox)
    if tick:
        check = box.findChild(QCheckBox, "confirm_checkbox")
        assert check is not None
        check.setChecked(True)
    button = (
        box.findChild(QPushButton, "confirm_button")
        if confirm
        else box.button(QMessageBox.StandardButton.Cancel)
    )
    assert button is not None
    button.click()


def test_add_number_validates_then_links_by_scan(qloop: LoopRunner, app: App) -> None:
    accepted: list[bool] = []

    async def scenario() -> None:
        app.window.add_action.trigger()
        dialog = await modal(LinkDialog)
        assert isinstance(dialog, LinkDialog)
        dialog.accepted.connect(lambda: accepted.append(True))
        dialog.number_edit.setText("0051 abc")
        dialog.next_button.click()
        await wait_until(lambda: dialog.error_label.text(), what="validation message")
        assert "digits" in dialog.error_label.text()
        assert dialog.pages.currentIndex() == 0
        dialog.number_edit.setText("+51 911 111 111")
        dialog.name_edit.setText("Front desk")
        dialog.next_button.click()
        await wait_until(dialog.qr_view.has_code, what="a QR code on screen")
        assert dialog.pages.currentIndex() == 1
        assert dialog.countdown_label.text().startswith(("New code in", "A new code"))
        assert dialog.simulate_button.isVisible()
        dialog.simulate_button.click()
        await wait_until(lambda: accepted, what="dialog closed on success")
        await wait_until(lambda: app.status(A) == "connected", what="the row turns green")

    qloop.run(scenario())
    row = app.window.model.row_of(A)
    assert app.window.model.data(app.window.model.index(row, Column.STATUS), Role.SEVERITY) == "ok"
    assert app.window.current_snapshot() is not None
    assert app.window.current_snapshot().phone == A  # type: ignore[union-attr]


def test_pairing_code_and_expiry_offer_a_new_code(qloop: LoopRunner, app: App) -> None:
    async def scenario() -> None:
        await app.bridge.add(A)
        await app.harness.wait(A, lambda s: s.qr is not None)
        app.controller.open_link_dialog(A)
        dialog = await modal(LinkDialog)
        assert isinstance(dialog, LinkDialog)
        dialog.pair_button.click()
        await wait_until(lambda: dialog.pair_code_label.isVisible(), what="pairing code")
        code = dialog.pair_code_label.text()
        assert len(code) == 9 and code[4] == "-"
        # At test speed the simulated codes run out in about 1.6 s: then "New code".
        await wait_until(dialog.regenerate_button.isVisible, timeout=15, what="expiry")
        assert dialog.countdown_label.text() == "This code expired."
        dialog.regenerate_button.click()
        await app.harness.wait(A, lambda s: s.status is Status.QR, 10)
        await wait_until(lambda: not dialog.regenerate_button.isVisible(), what="new code")
        dialog.reject()  # closing cancels linking
        await app.harness.wait(A, lambda s: s.status is Status.STOPPED, 10)

    qloop.run(scenario())


def test_disconnect_stays_down_and_connect_brings_it_back(qloop: LoopRunner, app: App) -> None:
    actions = app.window.actions_

    async def scenario() -> None:
        await app.harness.link(A)
        await wait_until(lambda: app.status(A) == "connected")
        app.window.select_phone(A)
        assert actions.disconnect_.isEnabled() and not actions.connect_.isEnabled()
        actions.disconnect_.trigger()
        await wait_until(lambda: app.status(A) == "stopped", what="stopped")
        await app.harness.pool.wait_for(A, lambda s: s.status is Status.STOPPED, 2)
        assert actions.connect_.isEnabled()
        actions.connect_.trigger()
        await wait_until(lambda: app.status(A) == "connected", what="connected again")

    qloop.run(scenario())


def test_logout_asks_first_then_restore_from_the_timeline(qloop: LoopRunner, app: App) -> None:
    timeline = app.window.timeline

    async def scenario() -> None:
        await app.harness.link(A)
        await wait_until(lambda: app.status(A) == "connected")
        app.window.select_phone(A)
        await wait_until(lambda: timeline.model.rowCount() >= 1, what="first backup listed")
        app.window.actions_.logout.trigger()
        await answer(confirm=False)
        await wait_until(lambda: app.status(A) == "connected")
        app.window.actions_.logout.trigger()
        await answer(confirm=True)
        await wait_until(lambda: app.status(A) == "logged_out", what="logged out")
        await wait_until(lambda: timeline.restore_button.isEnabled(), what="restore enabled")
        timeline.restore_button.click()
        await answer(confirm=True)
        await wait_until(timeline.progress.isVisible, what="progress shown")
        await wait_until(lambda: not timeline.progress.isVisible(), timeout=30, what="done")
        await wait_until(lambda: app.status(A) == "connected", what="the row is green again")

    qloop.run(scenario())
    assert timeline.outcome.text() == "Restored: +51911111111 is connected again."


def test_remove_keeps_backups_unless_ticked(qloop: LoopRunner, app: App) -> None:
    backups_root = app.harness.data_dir / "sessions" / "backups"

    async def scenario() -> None:
        for phone in (A, B):
            await app.harness.link(phone)
        await wait_until(lambda: app.window.model.rowCount() == 2)
        app.window.select_phone(A)
        app.window.actions_.remove.trigger()
        await answer(confirm=True)
        await wait_until(lambda: app.window.model.row_of(A) < 0, what="row A removed")
        app.window.select_phone(B)
        app.window.actions_.remove.trigger()
        await answer(confirm=True, tick=True)
        await wait_until(lambda: app.window.model.rowCount() == 0, what="row B removed")

    qloop.run(scenario())
    assert any((backups_root / A).iterdir())
    assert not (backups_root / B).exists() or not any((backups_root / B).iterdir())
    assert app.tray.severity.value == "idle"


def test_log_view_tails_the_log_file_with_filters(qloop: LoopRunner, app: App) -> None:
    path = log_file(app.harness.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        {"ts": 1.0, "level": "info", "logger": "x", "msg": "started"},
        {"ts": 2.0, "level": "warning", "logger": "x", "msg": "dropped", "phone": A},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines) + '{"ts": 3', encoding="utf-8")
    view = app.window.log_view
    app.window.logs_action.trigger()  # View › Log: shown even before the first number

    async def scenario() -> None:
        await wait_until(lambda: view.model.rowCount() == 2, what="two complete lines")
        with path.open("a", encoding="utf-8") as fh:  # finish the partial line
            fh.write(', "level": "error", "logger": "y", "msg": "boom"}\n')
        view.poll()
        await wait_until(lambda: view.model.rowCount() == 3, what="the finished line")

    qloop.run(scenario())
    view.level_combo.setCurrentIndex(2)  # warnings and errors
    assert view.proxy.rowCount() == 2
    view.phone_edit.setText(A)
    assert view.proxy.rowCount() == 1


def test_settings_are_saved_and_the_language_switches(qloop: LoopRunner, app: App) -> None:
    applied: list[object] = []
    app.controller.settings_applied.connect(applied.append)

    async def scenario() -> None:
        app.window.settings_action.trigger()
        dialog = await modal(SettingsDialog)
        assert isinstance(dialog, SettingsDialog)
        assert dialog.key_edit.text() == "k" * 43
        dialog.copy_key.click()
        assert QApplication.clipboard().text() == "k" * 43
        dialog.keep_spin.setValue(9)
        dialog.notify_check.setChecked(False)
        assert dialog.bot_check.isChecked() is False  # no AI/bot label unless asked
        dialog.bot_check.setChecked(True)
        dialog.login_check.setChecked(True)
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("es"))
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        save.click()
        # settings_applied is emitted after the save, autostart and language are done.
        await wait_until(lambda: applied, what="settings applied")

    try:
        qloop.run(scenario())
        stored = SettingsStore(app.harness.data_dir).load()
        assert (stored.keep_backups, stored.notifications, stored.language) == (9, False, "es")
        assert stored.bot_label is True
        assert app.controller.autostart.is_enabled()
        assert app.tray.notifications is False
        assert app.window.file_menu.title() == "&Archivo"
        header = app.window.model.headerData(Column.STATUS, Qt.Orientation.Horizontal)
        assert header == "Estado"
    finally:
        app.controller.settings_applied.disconnect(applied.append)
        i18n.install_language("en")


def test_without_a_tray_close_quits_and_notices_go_to_the_window(
    qloop: LoopRunner, app: App
) -> None:
    assert not app.tray.available
    app.window.close()
    assert app.quits == [True]  # no tray to come back from: closing means quitting

    async def scenario() -> None:
        await app.harness.link(A)
        await app.bridge.simulate(A, "logout", {"code": 401})
        await wait_until(app.window.banner_frame.isVisible, timeout=10, what="banner")

    qloop.run(scenario())
    assert "was logged out" in app.window.banner.text()
    app.window.banner_close.click()
    assert not app.window.banner_frame.isVisible()


def test_link_on_a_logged_out_number_starts_a_new_qr(qloop: LoopRunner, app: App) -> None:
    async def scenario() -> None:
        await app.harness.link(A)
        await app.bridge.simulate(A, "logout", {"code": 401})
        await wait_until(lambda: app.status(A) == "logged_out", what="logged out")
        app.window.select_phone(A)
        assert app.window.actions_.link.isEnabled()
        app.window.actions_.link.trigger()
        dialog = await modal(LinkDialog)
        assert isinstance(dialog, LinkDialog)
        await wait_until(dialog.qr_view.has_code, what="a fresh QR")
        assert not dialog.regenerate_button.isVisible()
        closed: list[int] = []
        dialog.finished.connect(closed.append)
        dialog.simulate_button.click()
        await wait_until(lambda: closed, what="the dialog closes on success")
        assert closed == [1]
        await wait_until(lambda: app.status(A) == "connected", what="linked again")

    qloop.run(scenario())
