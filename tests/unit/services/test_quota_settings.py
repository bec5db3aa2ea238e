"""The quota's settings: the portal URI in the keyring (never in settings.json),
and `build_quota_ledger` choosing env → keyring → local with Settings' limit and
company id. Keyring backends here are test objects (subclasses of keyring's
own base class); the real OS keyring is used only under the `keyring` marker."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from lila_desktop.core.settings import Settings
from lila_desktop.services.config import CommandLine, ConfigError, RuntimeConfig, resolve
from lila_desktop.services.quota import MongoLedger, SqliteLedger
from lila_desktop.services.quota.factory import QuotaConfigError
from lila_desktop.services.quota.uri_store import (
    SERVICE_NAME,
    URI_USERNAME,
    MongoUriStore,
    UriStoreUnavailable,
)
from lila_desktop.services.runtime import build_quota_ledger
from lila_desktop.services.settings_store import SettingsStore

URI = "mongodb://lila:s3cret-pw@portal.example:27017/?authSource=admin"


class _NeverChosen:
    """Keeps these backends out of keyring's own automatic choice (not viable)."""

    @keyring.backend.properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test backend; never chosen automatically")


class MemoryKeyring(_NeverChosen, keyring.backend.KeyringBackend):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.entries[(service, username)]


class LockedKeyring(_NeverChosen, keyring.backend.KeyringBackend):
    """What a locked Secret Service does when nobody unlocks it."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Prompt dismissed")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Prompt dismissed")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Prompt dismissed")


class ForgetfulKeyring(MemoryKeyring):
    """Accepts a value and keeps nothing (a null backend)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


class PlainFileKeyring(MemoryKeyring):
    __module__ = "keyrings.alt.file"  # what keyrings.alt's plaintext backends look like


# --- the URI store ------------------------------------------------------------


def test_uri_round_trips_through_the_keyring_and_empty_removes_it() -> None:
    backend = MemoryKeyring()
    store = MongoUriStore(backend)
    assert store.load() is None
    store.save(f"  {URI}\n")
    assert backend.entries == {(SERVICE_NAME, URI_USERNAME): URI}
    assert store.load() == URI
    store.save("")
    assert store.load() is None and backend.entries == {}
    store.save(None)  # removing what is not there is fine
    assert (SERVICE_NAME, URI_USERNAME) == ("lila-desktop", "mongodb-uri")


def test_a_uri_that_is_not_one_is_refused_and_not_stored() -> None:
    backend = MemoryKeyring()
    with pytest.raises(QuotaConfigError, match="must start with mongodb://") as info:
        MongoUriStore(backend).save("http://lila:s3cret-pw@portal.example")
    assert "s3cret" not in str(info.value), "the refusal never echoes the password"
    assert backend.entries == {}


@pytest.mark.parametrize(
    ("backend", "words", "no_keyring"),
    [
        (LockedKeyring(), "KeyringLocked: Prompt dismissed", False),
        (ForgetfulKeyring(), "did not keep", False),
        (PlainFileKeyring(), "plain file", False),
        (keyring.backends.fail.Keyring(), "no system keyring", True),
    ],
)
def test_an_unusable_keyring_says_what_to_do(
    backend: keyring.backend.KeyringBackend, words: str, no_keyring: bool
) -> None:
    store = MongoUriStore(backend)
    with pytest.raises(UriStoreUnavailable, match=words) as info:
        store.save(URI)
    assert "LILA_MONGODB_URI" in str(info.value) or os.name != "posix"
    assert "s3cret" not in str(info.value)
    assert info.value.no_keyring is no_keyring
    if not isinstance(backend, ForgetfulKeyring):
        with pytest.raises(UriStoreUnavailable):
            store.load()


@pytest.mark.asyncio
async def test_async_variants_run_off_the_loop() -> None:
    store = MongoUriStore(MemoryKeyring())
    await store.asave(URI)
    assert await store.aload() == URI


# --- choosing the ledger --------------------------------------------------------


def config(
    tmp_path: Path, settings: Settings | None = None, env: dict[str, str] | None = None
) -> RuntimeConfig:
    """As the app resolves it: the environment given, Settings from the folder when not given."""
    chosen = settings if settings is not None else SettingsStore(tmp_path).load()
    return resolve(CommandLine(data_dir=tmp_path, transport="simulated"), env or {}, chosen)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("LILA_MONGODB_URI", raising=False)
    monkeypatch.delenv("LILA_QUOTA_LIMIT", raising=False)
    return monkeypatch


def test_local_ledger_takes_limit_and_company_from_settings(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    settings = Settings(quota_limit=250, company_id="tienda-lima")
    ledger = build_quota_ledger(
        config(tmp_path, settings), uri_store=MongoUriStore(MemoryKeyring())
    )
    assert isinstance(ledger, SqliteLedger)
    assert ledger.limit == 250 and ledger._company_id == "tienda-lima"
    env = {"LILA_QUOTA_LIMIT": "40"}
    ledger = build_quota_ledger(
        config(tmp_path, settings, env), uri_store=MongoUriStore(MemoryKeyring())
    )
    assert isinstance(ledger, SqliteLedger) and ledger.limit == 40, "the environment wins"


def test_settings_come_from_the_data_folder_when_not_given(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    SettingsStore(tmp_path).save(Settings(quota_limit=321))
    ledger = build_quota_ledger(config(tmp_path), uri_store=MongoUriStore(MemoryKeyring()))
    assert isinstance(ledger, SqliteLedger) and ledger.limit == 321


def test_the_keyring_uri_selects_the_portal_with_the_company_id(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    store = MongoUriStore(MemoryKeyring())
    store.save(URI)
    ledger = build_quota_ledger(config(tmp_path, Settings(company_id="acme")), uri_store=store)
    assert isinstance(ledger, MongoLedger)
    assert ledger._uri == URI and ledger._company_id == "acme"
    ledger = build_quota_ledger(config(tmp_path, Settings()), uri_store=store)
    assert isinstance(ledger, MongoLedger) and ledger._company_id is None


def test_the_environment_uri_wins_over_the_keyring(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    env_uri = "mongodb+srv://svc:other@cluster.example/"
    backend = LockedKeyring()  # would raise if it were asked
    cfg = config(tmp_path, Settings(), {"LILA_MONGODB_URI": env_uri})
    ledger = build_quota_ledger(cfg, uri_store=MongoUriStore(backend))
    assert isinstance(ledger, MongoLedger) and ledger._uri == env_uri


@pytest.mark.parametrize(
    ("backend", "level"),
    [(LockedKeyring(), logging.WARNING), (keyring.backends.fail.Keyring(), logging.INFO)],
)
def test_an_unreadable_keyring_means_the_local_quota_and_says_so(
    tmp_path: Path,
    clean_env: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    backend: keyring.backend.KeyringBackend,
    level: int,
) -> None:
    caplog.set_level(logging.INFO, logger="lila_desktop.services.runtime")
    ledger = build_quota_ledger(config(tmp_path, Settings()), uri_store=MongoUriStore(backend))
    assert isinstance(ledger, SqliteLedger)
    [record] = [r for r in caplog.records if "Using the local quota" in r.getMessage()]
    assert record.levelno == level
    # The line says why the keyring could not be read (the store's own words).
    message = record.getMessage()
    assert message.startswith("quota: ") and message.endswith(". Using the local quota.")
    assert "keyring" in message.lower() and "None" not in message


def test_a_stored_uri_that_is_not_one_is_a_config_error(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    backend = MemoryKeyring()
    backend.entries[(SERVICE_NAME, URI_USERNAME)] = "portal.example:27017"  # hand-edited
    with pytest.raises(ConfigError, match="mongodb://"):
        build_quota_ledger(config(tmp_path, Settings()), uri_store=MongoUriStore(backend))


def test_settings_json_never_holds_the_uri(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(quota_limit=500, company_id="acme"))
    text = store.path.read_text()
    assert '"quota_limit": 500' in text and '"company_id": "acme"' in text
    assert "mongodb" not in text
    assert store.load() == Settings(quota_limit=500, company_id="acme")


# --- the real OS keyring (scripts/with-keyring.sh) -----------------------------


@pytest.mark.keyring
@pytest.mark.skipif(
    not os.environ.get("LILA_KEYRING_TMP"),
    reason="uses the real lila-desktop entry: only in scripts/with-keyring.sh's isolated keyring",
)
def test_the_real_keyring_keeps_and_removes_the_uri() -> None:
    backend: Any = keyring.get_keyring()
    store = MongoUriStore(backend)
    uri = f"mongodb://u:{uuid.uuid4().hex}@127.0.0.1:27017/"
    try:
        store.save(uri)
        assert MongoUriStore().load() == uri, "a fresh store (same keyring) reads it back"
    finally:
        store.save(None)
    assert MongoUriStore().load() is None
