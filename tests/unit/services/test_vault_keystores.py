"""Key stores without a Secret Service: the passphrase store, and refusals.

The real keyring is exercised in test_keyring_real.py (under dbus-run-session).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from keyring.backends import fail, null

from lila_desktop.core.keystore import KeyStoreUnavailable
from lila_desktop.services.vault import (
    KeyringKeyStore,
    PassphraseKeyStore,
    SessionVault,
    VaultUnavailable,
    choose_keystore,
)

N = 2**10


def test_passphrase_store_derives_a_stable_key(tmp_path: Path) -> None:
    store = PassphraseKeyStore(tmp_path, "correct horse", scrypt_n=N)
    assert store.load_key() is None
    key = store.create_key()
    assert len(key) == 32
    salt_file = json.loads((tmp_path / "vault-salt").read_text())
    assert salt_file["kdf"] == "scrypt" and salt_file["n"] == N
    assert key.hex() not in (tmp_path / "vault-salt").read_text()
    assert PassphraseKeyStore(tmp_path, "correct horse").load_key() == key  # n from the file
    assert PassphraseKeyStore(tmp_path, "correct horsE", scrypt_n=N).load_key() != key
    assert store.create_key() == key  # never a second salt


def test_passphrase_store_refusals(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreUnavailable, match="at least 8 characters"):
        PassphraseKeyStore(tmp_path, "short")
    with pytest.raises(KeyStoreUnavailable, match="LILA_VAULT_PASSPHRASE is not set"):
        PassphraseKeyStore.from_env(tmp_path, {})
    (tmp_path / "vault-salt").write_text('{"salt": "!!", "n": 1024, "r": 8, "p": 1}')
    with pytest.raises(KeyStoreUnavailable, match="damaged"):
        PassphraseKeyStore(tmp_path, "correct horse").load_key()
    (tmp_path / "vault-salt").write_text(
        '{"salt": "AAAAAAAAAAAAAAAAAAAAAA==", "n": 1073741824, "r": 8, "p": 1}'
    )
    with pytest.raises(KeyStoreUnavailable, match="damaged"):  # bounded cost
        PassphraseKeyStore(tmp_path, "correct horse").load_key()


def test_choose_keystore(tmp_path: Path) -> None:
    assert isinstance(choose_keystore(tmp_path, {}), KeyringKeyStore)
    chosen = choose_keystore(tmp_path, {"LILA_VAULT_PASSPHRASE": "correct horse"})
    assert isinstance(chosen, PassphraseKeyStore)
    assert chosen.kind == "passphrase"


def test_no_keyring_backend_is_a_clear_refusal() -> None:
    store = KeyringKeyStore(backend=fail.Keyring())
    with pytest.raises(KeyStoreUnavailable, match="No system keyring") as err:
        store.load_key()
    assert "LILA_VAULT_PASSPHRASE" in str(err.value)
    with pytest.raises(KeyStoreUnavailable, match="No system keyring"):
        store.create_key()


def test_a_keyring_that_drops_secrets_is_refused() -> None:
    store = KeyringKeyStore(backend=null.Keyring())
    with pytest.raises(KeyStoreUnavailable, match="did not keep it"):
        store.create_key()


@pytest.mark.asyncio
async def test_vault_without_keyring_refuses_to_open_and_writes_nothing(tmp_path: Path) -> None:
    vault = SessionVault(
        tmp_path / "data", tmp_path / "run", KeyringKeyStore(backend=fail.Keyring())
    )
    with pytest.raises(VaultUnavailable, match="No system keyring"):
        await vault.open()
    assert not (tmp_path / "data" / "vault-check").exists()
    with pytest.raises(RuntimeError):
        await vault.prepare_live("51902049935")
