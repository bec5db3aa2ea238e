"""Key stores: the OS keyring, or an explicit passphrase (LILA_VAULT_PASSPHRASE).

There is deliberately no third kind: if the keyring is missing or locked and
no passphrase was given, the vault refuses to run rather than keep
credentials in plaintext (PRODUCT.md §2). The key itself is never logged.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from lila_desktop.core.keystore import KEY_SIZE, KeyStore, KeyStoreUnavailable
from lila_desktop.services.logs import register_secret
from lila_desktop.services.vault.atomic import atomic_write_bytes

if TYPE_CHECKING:  # keyring (~0.1 s: jaraco, urllib, email) loads when the vault opens,
    import keyring.backend  # after the window is on screen

logger = logging.getLogger(__name__)

SERVICE_NAME: Final = "lila-desktop"
KEY_USERNAME: Final = "master-key"
PASSPHRASE_ENV: Final = "LILA_VAULT_PASSPHRASE"
SALT_FILE: Final = "vault-salt"
MIN_PASSPHRASE: Final = 8
SCRYPT_N: Final = 2**17  # OWASP's minimum for scrypt; ~0.5 s once per start
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
MAX_SCRYPT_N: Final = 2**20  # bound on parameters read from a file


def derive_key(passphrase: str, salt: bytes, n: int, r: int = SCRYPT_R, p: int = SCRYPT_P) -> bytes:
    """scrypt(passphrase, salt) -> 32 bytes; parameters are bounded (they may come from a file)."""
    if not (2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 4):
        raise ValueError("unsupported scrypt parameters")
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=KEY_SIZE, n=n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def _platform_keyring_hint() -> str:
    if sys.platform == "win32":
        return "Windows Credential Manager must be available for your user account."
    if sys.platform == "darwin":
        return "Unlock your login keychain (Keychain Access) and try again."
    return (
        "Start and unlock a Secret Service keyring (GNOME Keyring or KWallet; log in to a "
        "desktop session), or, without a desktop, set LILA_VAULT_PASSPHRASE to a passphrase "
        "of at least 8 characters and start with --headless."
    )


class KeyringKeyStore:
    """The master key in the OS keyring, base64 under service `lila-desktop`."""

    kind: Final = "keyring"

    def __init__(
        self,
        *,
        service: str = SERVICE_NAME,
        username: str = KEY_USERNAME,
        backend: keyring.backend.KeyringBackend | None = None,
    ) -> None:
        self._service = service
        self._username = username
        self._backend = backend

    @property
    def description(self) -> str:
        return f"the system keyring (service {self._service!r})"

    def _keyring(self) -> keyring.backend.KeyringBackend:
        import keyring

        backend = self._backend or keyring.get_keyring()
        # keyrings.alt keeps "passwords" in plain or weakly protected files:
        # exactly the plaintext fallback we promise never to use silently.
        if type(backend).__module__.startswith("keyrings.alt"):
            raise KeyStoreUnavailable(
                f"The configured keyring ({type(backend).__name__}) keeps secrets in a plain "
                "file, so Lila Desktop will not use it. " + _platform_keyring_hint()
            )
        return backend

    def _unavailable(self, exc: Exception) -> KeyStoreUnavailable:
        import keyring.errors

        if isinstance(exc, keyring.errors.NoKeyringError):
            what = "No system keyring is available to keep the encryption key."
        elif isinstance(exc, keyring.errors.KeyringLocked) or "dismissed" in str(exc).lower():
            what = "The system keyring is locked, so the encryption key cannot be read."
        else:
            what = f"The system keyring failed ({type(exc).__name__}: {exc})."
        return KeyStoreUnavailable(f"{what} {_platform_keyring_hint()}")

    def load_key(self) -> bytes | None:
        backend = self._keyring()
        try:
            stored = backend.get_password(self._service, self._username)
        except Exception as exc:  # backends raise their own types (jeepney, dbus, WinError)
            raise self._unavailable(exc) from exc
        if stored is None:
            return None
        try:
            key = base64.b64decode(stored.encode("ascii"), validate=True)
        except (ValueError, binascii.Error):
            key = b""
        if len(key) != KEY_SIZE:
            # Never replace it: every sealed session depends on the original.
            raise KeyStoreUnavailable(
                f"The entry {self._username!r} of service {self._service!r} in the system "
                "keyring is not a Lila Desktop key (it was edited?). Restore it from a keyring "
                "backup; Lila Desktop will not overwrite it."
            )
        return key

    def create_key(self) -> bytes:
        backend = self._keyring()
        key = os.urandom(KEY_SIZE)
        try:
            backend.set_password(self._service, self._username, base64.b64encode(key).decode())
        except Exception as exc:
            raise self._unavailable(exc) from exc
        # Read back: a backend that silently drops secrets (keyring's null
        # backend) would otherwise lose the key with the first restart.
        stored = self.load_key()
        if stored is None:
            raise KeyStoreUnavailable(
                "The system keyring accepted the encryption key but did not keep it. "
                + _platform_keyring_hint()
            )
        logger.info("created a new vault key in %s", self.description)
        return stored  # another instance may have won a creation race; use what is kept


class PassphraseKeyStore:
    """A key derived from a passphrase with scrypt; the random salt is in `<data_dir>/vault-salt`.

    The salt is not secret. A wrong passphrase derives a different key, which
    the vault detects with its key check and reports.
    """

    kind: Final = "passphrase"

    def __init__(self, data_dir: Path, passphrase: str, *, scrypt_n: int = SCRYPT_N) -> None:
        if len(passphrase) < MIN_PASSPHRASE or len(passphrase.strip()) < MIN_PASSPHRASE:
            raise KeyStoreUnavailable(
                f"The vault passphrase ({PASSPHRASE_ENV}) must have at least "
                f"{MIN_PASSPHRASE} characters, not counting spaces at its start or end."
            )
        register_secret(passphrase)
        self._salt_path = data_dir / SALT_FILE
        self._passphrase = passphrase
        self._scrypt_n = scrypt_n

    @classmethod
    def from_env(
        cls, data_dir: Path, environ: Mapping[str, str] | None = None
    ) -> PassphraseKeyStore:
        value = (os.environ if environ is None else environ).get(PASSPHRASE_ENV, "")
        if not value:
            raise KeyStoreUnavailable(
                f"{PASSPHRASE_ENV} is not set. Set it to the vault passphrase, or use the "
                "system keyring instead."
            )
        return cls(data_dir, value)

    @property
    def description(self) -> str:
        return f"the passphrase in {PASSPHRASE_ENV}"

    def load_key(self) -> bytes | None:
        try:
            raw = self._salt_path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            params = json.loads(raw)
            salt = base64.b64decode(params["salt"], validate=True)
            n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
            if len(salt) < 16:
                raise ValueError("salt too short")
            return derive_key(self._passphrase, salt, n, r, p)
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise KeyStoreUnavailable(
                f"{self._salt_path} is damaged; without it the passphrase cannot open the "
                "saved sessions. Restore it from a copy of the data folder."
            ) from None

    def create_key(self) -> bytes:
        if self._salt_path.exists():
            key = self.load_key()
            assert key is not None
            return key
        salt = os.urandom(16)
        params = {"kdf": "scrypt", "n": self._scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P}
        params["salt"] = base64.b64encode(salt).decode()
        key = derive_key(self._passphrase, salt, self._scrypt_n)
        self._salt_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self._salt_path, json.dumps(params).encode())
        logger.info("created a new vault salt for %s", self.description)
        return key


def choose_keystore(data_dir: Path, environ: Mapping[str, str] | None = None) -> KeyStore:
    """The passphrase store if LILA_VAULT_PASSPHRASE is set (explicit), else the keyring."""
    env = os.environ if environ is None else environ
    if env.get(PASSPHRASE_ENV):
        logger.info("using the vault passphrase from %s instead of the keyring", PASSPHRASE_ENV)
        return PassphraseKeyStore.from_env(data_dir, env)
    return KeyringKeyStore()
