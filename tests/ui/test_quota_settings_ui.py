"""The quota's settings in the window: the monthly limit (live on the local
ledger), the portal URI (to the keyring, never to settings.json; empty removes
it), the company id, the environment overrides, and a keyring that is not
there. Keyrings are test backends (subclasses of keyring's own base class)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring.backend
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from lila_desktop.services.quota import SqliteLedger
from lila_desktop.services.quota.uri_store import SERVICE_NAME, URI_USERNAME, MongoUriStore
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.ui.dialogs.settings_dialog import SettingsDialog
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_support import App, app, modal
from tests.unit.services.test_quota_settings import LockedKeyring, MemoryKeyring

__all__ = ["app"]

A = "51911111111"
URI = "mongodb://lila:s3cret-pw@portal.example:27017/"
ENTRY = (SERVICE_NAME, URI_USERNAME)


@pytest.fixture
def ledger(qloop: LoopRunner, tmp_path: Path) -> Iterator[SqliteLedger]:
    led = SqliteLedger(tmp_path / "quota.sqlite3", limit=1000)
    yield led
    qloop.run(led.aclose())


@pytest.fixture(autouse=True)
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LILA_QUOTA_LIMIT", raising=False)
    monkeypatch.delenv("LILA_MONGODB_URI", raising=False)


async def open_settings(app: App) -> SettingsDialog:
    app.window.settings_action.trigger()
    dialog = await modal(SettingsDialog)
    assert isinstance(dialog, SettingsDialog)
    return dialog


async def save(app: App, dialog: SettingsDialog) -> None:
    """Press Save and wait until the controller has applied everything (a test that
    ended earlier would leave its flow running into the next test's teardown)."""
    applied: list[object] = []
    app.controller.settings_applied.connect(applied.append)
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Save).click()
    if dialog.isVisible():  # refused: nothing is applied
        app.controller.settings_applied.disconnect(applied.append)
        return
    try:
        await wait_until(lambda: applied, what="settings applied")
    finally:
        app.controller.settings_applied.disconnect(applied.append)


def test_limit_uri_and_company_are_kept_where_they_belong(
    qloop: LoopRunner, app: App, ledger: SqliteLedger
) -> None:
    backend = MemoryKeyring()
    app.controller.uri_store = MongoUriStore(backend)
    app.window.quota.set_ledger(ledger)
    settings_file = SettingsStore(app.harness.data_dir).path

    async def scenario() -> None:
        await app.harness.link(A)
        app.window.select_phone(A)
        await wait_until(lambda: "0 of 1,000" in app.window.quota_label.text())
        dialog = await open_settings(app)
        assert dialog.uri_edit.isEnabled() and dialog.uri_edit.text() == ""
        dialog.limit_spin.setValue(250)
        dialog.uri_edit.setText(URI)
        dialog.company_edit.setText("  acme ")
        await save(app, dialog)
        assert app.controller.settings.quota_limit == 250
        assert backend.entries == {ENTRY: URI}
        stored = json.loads(settings_file.read_text())
        assert (stored["quota_limit"], stored["company_id"]) == (250, "acme")
        assert "s3cret" not in settings_file.read_text() and "mongodb" not in json.dumps(stored)
        # The local limit applies at once; the portal address from the next start.
        assert ledger.limit == 250
        await wait_until(
            lambda: app.window.quota_label.text() == "Messages this month: 0 of 250 (local)",
            what="the line shows the new limit",
        )
        assert "next start" in app.window.banner.text()

        dialog = await open_settings(app)
        assert dialog.uri_edit.text() == URI, "the saved address comes back (masked)"
        assert dialog.uri_edit.echoMode() == dialog.uri_edit.EchoMode.Password
        dialog.uri_edit.clear()
        await save(app, dialog)
        assert backend.entries == {}, "an empty field removes it"
        assert "removed" in app.window.banner.text()

    qloop.run(scenario())


def test_a_bad_uri_keeps_the_dialog_open_and_stores_nothing(qloop: LoopRunner, app: App) -> None:
    backend = MemoryKeyring()
    app.controller.uri_store = MongoUriStore(backend)

    async def scenario() -> None:
        dialog = await open_settings(app)
        dialog.uri_edit.setText("portal.example:27017")
        await save(app, dialog)
        assert dialog.isVisible()
        assert "must start with mongodb://" in dialog.error_label.text()
        assert dialog.tabs.currentIndex() == 2, "the Messages tab is shown"
        dialog.reject()

    qloop.run(scenario())
    assert backend.entries == {}


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (LockedKeyring(), "The system keyring is not available"),
        (keyring.backends.fail.Keyring(), "There is no system keyring on this computer"),
    ],
)
def test_a_missing_or_locked_keyring_disables_the_field_and_says_why(
    qloop: LoopRunner, app: App, backend: keyring.backend.KeyringBackend, words: str
) -> None:
    app.controller.uri_store = MongoUriStore(backend)

    async def scenario() -> None:
        dialog = await open_settings(app)
        assert not dialog.uri_edit.isEnabled()
        problem = dialog.findChild(QLabel, "portal_uri_problem")
        assert problem is not None
        assert words in problem.text()
        assert "LILA_MONGODB_URI" in problem.text()
        dialog.limit_spin.setValue(10)
        await save(app, dialog)
        assert app.controller.settings.quota_limit == 10, "the rest is still saved"

    qloop.run(scenario())


def test_a_keyring_that_fails_on_save_is_told_in_the_banner(qloop: LoopRunner, app: App) -> None:
    class FailsOnSave(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise RuntimeError("the keyring daemon went away")

    app.controller.uri_store = MongoUriStore(FailsOnSave())

    async def scenario() -> None:
        dialog = await open_settings(app)
        dialog.uri_edit.setText(URI)
        await save(app, dialog)
        assert app.window.banner_frame.isVisible()
        text = app.window.banner.text()
        assert text.startswith("The company portal address was not saved:")
        assert "daemon went away" in text and "s3cret" not in text

    qloop.run(scenario())


def test_environment_overrides_are_named(
    qloop: LoopRunner, app: App, monkeypatch: pytest.MonkeyPatch, ledger: SqliteLedger
) -> None:
    # What services.config resolved from LILA_QUOTA_LIMIT and LILA_MONGODB_URI at start.
    app.controller.env_limit, app.controller.env_uri = 77, True
    app.controller.uri_store = MongoUriStore(MemoryKeyring())
    app.window.quota.set_ledger(ledger)

    async def scenario() -> None:
        dialog = await open_settings(app)
        notes = [label.text() for label in dialog.findChildren(QLabel)]
        assert "LILA_QUOTA_LIMIT is set to 77 and overrides this limit." in notes
        assert "LILA_MONGODB_URI is set and overrides this address." in notes
        dialog.limit_spin.setValue(5)
        await save(app, dialog)
        assert app.controller.settings.quota_limit == 5

    qloop.run(scenario())
    assert ledger.limit == 1000, "LILA_QUOTA_LIMIT decides while it is set"


def test_before_start_up_the_portal_field_waits(qloop: LoopRunner, app: App) -> None:
    assert app.controller.uri_store is None

    async def scenario() -> None:
        dialog = await open_settings(app)
        assert not dialog.uri_edit.isEnabled()
        dialog.reject()

    qloop.run(scenario())
