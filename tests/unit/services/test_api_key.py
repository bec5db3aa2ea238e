"""Where the API key comes from: LILA_API_KEY, the keyring, or a per-run file."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail

from lila_desktop.services.api import ApiKeyError, start_api
from lila_desktop.services.api.api_key import (
    API_KEY_ENV,
    KEY_USERNAME,
    RUN_KEY_FILE,
    SERVICE_NAME,
    ApiKey,
    discard_run_key,
    load_api_key,
    obtain_api_key,
)
from lila_desktop.services.quota import SqliteLedger
from tests.conftest import PoolHarness


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend in memory (subclass of the real base class)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def test_the_environment_wins(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    key = load_api_key(tmp_path, environ={API_KEY_ENV: "  env-key-0123456789  "}, backend=backend)
    assert (key.value, key.source) == ("env-key-0123456789", "env")
    assert not backend.entries, "the keyring is not touched when the key is configured"
    assert "env-key" not in repr(key), "the key is never in a repr (logs)"


@pytest.mark.parametrize(
    "bad", ["short", "has a space in it ok", "ñandú-ñandú-ñandú-ñandú", "x" * 257]
)
def test_an_unusable_environment_key_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ApiKeyError, match="16 to 256 printable ASCII"):
        load_api_key(tmp_path, environ={API_KEY_ENV: bad}, backend=MemoryKeyring())


def test_created_once_in_the_keyring_then_the_same(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    first = load_api_key(tmp_path, environ={}, backend=backend)
    assert first.source == "keyring" and len(first.value) >= 40
    assert backend.entries[(SERVICE_NAME, KEY_USERNAME)] == first.value
    again = load_api_key(tmp_path, environ={}, backend=backend)
    assert again.value == first.value
    assert not (tmp_path / RUN_KEY_FILE).exists()


def test_an_edited_keyring_entry_is_replaced(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE_NAME, KEY_USERNAME, "bad")
    key = load_api_key(tmp_path, environ={}, backend=backend)
    assert key.value != "bad" and backend.entries[(SERVICE_NAME, KEY_USERNAME)] == key.value


def test_without_a_keyring_a_private_per_run_file(tmp_path: Path) -> None:
    key = load_api_key(tmp_path, environ={}, backend=fail.Keyring())
    assert key.source == "run-file" and key.file == tmp_path / RUN_KEY_FILE
    assert key.file.read_text().strip() == key.value
    if os.name == "posix":
        assert stat.S_IMODE(key.file.stat().st_mode) == 0o600
    other = load_api_key(tmp_path, environ={}, backend=fail.Keyring())
    assert other.value != key.value, "a new key every run"
    discard_run_key(other)
    assert not key.file.exists()
    discard_run_key(other)  # idempotent


def test_matches_is_exact() -> None:
    key = ApiKey("abcdefghijklmnop", "env", "tests")
    assert key.matches("abcdefghijklmnop")
    for wrong in (None, "", "abcdefghijklmno", "abcdefghijklmnopq", "ABCDEFGHIJKLMNOP", "ñ\udcff"):
        assert not key.matches(wrong)


@pytest.mark.asyncio
async def test_start_api_finds_the_key_and_removes_a_run_file_at_close(
    harness: PoolHarness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)  # no keyring on this machine
    ledger = SqliteLedger(tmp_path / "q.sqlite3")
    server = await start_api(harness.pool, ledger, port=0, api_key=None, data_dir=harness.data_dir)
    try:
        assert server.api_key.source == "run-file"
        assert (harness.data_dir / RUN_KEY_FILE).read_text().strip() == server.api_key.value
    finally:
        await server.aclose()
        await ledger.aclose()
    assert not (harness.data_dir / RUN_KEY_FILE).exists()


@pytest.mark.keyring
@pytest.mark.asyncio
@pytest.mark.skipif(
    not os.environ.get("LILA_KEYRING_TMP"),
    reason="writes the real lila-desktop entry: only inside scripts/with-keyring.sh",
)
async def test_the_real_keyring_keeps_the_key_across_runs(tmp_path: Path) -> None:
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE_NAME, KEY_USERNAME)
    try:
        first = await obtain_api_key(tmp_path, environ={})
        again = await obtain_api_key(tmp_path, environ={})
        assert first.source == again.source == "keyring"
        assert first.value == again.value == keyring.get_password(SERVICE_NAME, KEY_USERNAME)
    finally:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE_NAME, KEY_USERNAME)
