"""The vault key in the real OS keyring: gnome-keyring's Secret Service over D-Bus.

Run under scripts/with-keyring.sh (a private D-Bus session, an unlocked
keyring and isolated XDG folders), e.g.

    scripts/with-keyring.sh .venv/bin/pytest tests/unit/services/test_keyring_real.py

Outside such a session these tests skip. They use their own service names so
that they never touch a real `lila-desktop` key, except where the isolated
keyring of the script is certain (LILA_KEYRING_TMP is set).
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from lila_desktop.core.keystore import KeyStoreUnavailable
from lila_desktop.services import store_schema
from lila_desktop.services.vault import KeyringKeyStore, SessionVault, VaultUnavailable
from lila_desktop.services.vault.keystores import KEY_USERNAME, SERVICE_NAME
from tests.unit.services.vault_support import PHONE, all_files

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.skipif(
        not os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
        reason="needs a D-Bus session with a Secret Service: run under scripts/with-keyring.sh",
    ),
]

ROOT = Path(__file__).resolve().parents[3]


def _secret_tool_lookup(service: str) -> str | None:
    """Read the entry with libsecret's own tool: proof the key is in the Secret Service."""
    tool = shutil.which("secret-tool")
    if tool is None:
        pytest.skip("secret-tool is missing: apt-get install libsecret-tools")
    out = subprocess.run(
        [tool, "lookup", "service", service, "username", KEY_USERNAME],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return out.stdout if out.returncode == 0 else None


@pytest.fixture(autouse=True)
def _detected_backend() -> Iterator[None]:
    """Detect the backend afresh: another test may have cached one chosen
    under a different environment (keyring caches its choice per process)."""
    keyring.core.init_backend()
    yield


@pytest.fixture
def service() -> Iterator[str]:
    name = f"lila-desktop-test-{uuid.uuid4().hex[:12]}"
    yield name
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(name, KEY_USERNAME)


def test_the_backend_is_the_secret_service() -> None:
    backend = keyring.get_keyring()
    # Other tests define in-memory backends; keyring registers every subclass it
    # has seen and then chains them. The Secret Service must still come first.
    if type(backend).__module__ == "keyring.backends.chainer":
        backend = backend.backends[0]
    assert type(backend).__module__ == "keyring.backends.SecretService", backend


def test_key_is_created_in_and_read_from_the_keyring(service: str) -> None:
    store = KeyringKeyStore(service=service)
    assert store.load_key() is None
    key = store.create_key()
    assert len(key) == 32
    assert _secret_tool_lookup(service) == base64.b64encode(key).decode()
    # Another instance (the next start of the app) gets the same key.
    assert KeyringKeyStore(service=service).load_key() == key
    assert KeyringKeyStore(service=service).load_key() == key


def test_the_default_entry_is_service_lila_desktop() -> None:
    if not os.environ.get("LILA_KEYRING_TMP"):
        pytest.skip("only inside scripts/with-keyring.sh's throwaway keyring")
    store = KeyringKeyStore()
    existing = store.load_key()
    key = existing or store.create_key()
    try:
        assert _secret_tool_lookup(SERVICE_NAME) == base64.b64encode(key).decode()
    finally:
        if existing is None:
            keyring.delete_password(SERVICE_NAME, KEY_USERNAME)


@pytest.mark.asyncio
async def test_vault_round_trip_with_the_real_keyring(tmp_path: Path, service: str) -> None:
    vault = SessionVault(tmp_path / "data", tmp_path / "run", KeyringKeyStore(service=service))
    await vault.open()
    jid = store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    assert await vault.backup(PHONE, "after pairing", connected=True) is not None
    await vault.aclose()
    key = KeyringKeyStore(service=service).load_key()
    assert key is not None
    encoded = base64.b64encode(key)
    for path in all_files(tmp_path):  # the key is never written to disk
        content = path.read_bytes()
        assert key not in content and encoded not in content, path

    again = SessionVault(tmp_path / "data", tmp_path / "run", KeyringKeyStore(service=service))
    await again.open()
    assert store_schema.device_jid(await again.prepare_live(PHONE)) == jid
    await again.aclose()


@pytest.mark.asyncio
async def test_no_keyring_backend_gives_vault_unavailable(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        vault = SessionVault(tmp_path / "data", tmp_path / "run", KeyringKeyStore())
        with pytest.raises(VaultUnavailable) as err:
            await vault.open()
    finally:
        keyring.set_keyring(previous)
    message = str(err.value)
    assert "No system keyring" in message
    assert "LILA_VAULT_PASSPHRASE" in message  # says what to do instead
    assert not (tmp_path / "data" / "vault-check").exists()


@pytest.mark.asyncio
async def test_an_edited_entry_is_refused_and_left_alone(tmp_path: Path, service: str) -> None:
    keyring.set_password(service, KEY_USERNAME, "not-a-key")
    vault = SessionVault(tmp_path / "data", tmp_path / "run", KeyringKeyStore(service=service))
    with pytest.raises(VaultUnavailable, match="not a Lila Desktop key"):
        await vault.open()
    assert keyring.get_password(service, KEY_USERNAME) == "not-a-key"


def test_a_locked_keyring_is_a_clear_refusal() -> None:
    """Locking needs its own throwaway keyring: nothing here can unlock it again."""
    code = (
        "import secretstorage\n"
        "from lila_desktop.core.keystore import KeyStoreUnavailable\n"
        "from lila_desktop.services.vault import KeyringKeyStore\n"
        "store = KeyringKeyStore(service='lila-desktop-locked-test')\n"
        "store.create_key()\n"
        "secretstorage.get_default_collection(secretstorage.dbus_init()).lock()\n"
        "try:\n"
        "    store.load_key()\n"
        "except KeyStoreUnavailable as exc:\n"
        "    print('REFUSED:', exc)\n"
    )
    # No display: with one, gnome-keyring would open its unlock prompt on it and
    # wait for a person (as it should for the owner), so the test would hang.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run(
        [str(ROOT / "scripts" / "with-keyring.sh"), sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "REFUSED: The system keyring is locked" in out.stdout
    assert "unlock" in out.stdout.lower()


def test_errors_are_keystore_unavailable_not_backend_types(service: str) -> None:
    store = KeyringKeyStore(service=service, backend=fail.Keyring())
    with pytest.raises(KeyStoreUnavailable):
        store.load_key()
