"""The company portal's MongoDB URI in the OS keyring, never in a plain file.

The URI holds the portal's password, so it is kept like the vault key: in
the OS keyring, service `lila-desktop`, entry `mongodb-uri`. Settings shows
it masked; an empty field removes it. `LILA_MONGODB_URI` (for servers
without a keyring) overrides it, resolved once by `services.config`.

Keyring calls block (D-Bus, Keychain): the async variants run them through
run_blocking. The URI is never logged.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Final

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors

from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.quota.factory import check_mongodb_uri

logger = logging.getLogger(__name__)

SERVICE_NAME: Final = "lila-desktop"
URI_USERNAME: Final = "mongodb-uri"


class UriStoreUnavailable(Exception):
    """The keyring cannot keep or give the URI; the message says what to do instead.

    `no_keyring` is True when this system has no keyring at all, so no URI can
    have been saved on it through Settings either.
    """

    def __init__(self, message: str, *, no_keyring: bool = False) -> None:
        super().__init__(message)
        self.no_keyring = no_keyring


def _hint() -> str:
    if sys.platform == "win32":
        return "Windows Credential Manager must be available for your user account."
    if sys.platform == "darwin":
        return "Unlock your login keychain (Keychain Access) and try again."
    return (
        "Start and unlock a Secret Service keyring (GNOME Keyring or KWallet), or set the "
        "environment variable LILA_MONGODB_URI instead."
    )


class MongoUriStore:
    """Load, save and remove the portal URI in the keyring.

    Args:
        backend: a keyring backend (tests pass their own); the system's by default.
    """

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def where(self) -> str:
        return f"the system keyring (service {SERVICE_NAME!r}, entry {URI_USERNAME!r})"

    def _keyring(self) -> keyring.backend.KeyringBackend:
        backend = self._backend or keyring.get_keyring()
        if isinstance(backend, keyring.backends.fail.Keyring):
            raise UriStoreUnavailable(
                f"There is no system keyring to keep the company portal address. {_hint()}",
                no_keyring=True,
            )
        if type(backend).__module__.startswith("keyrings.alt"):
            # Those keep secrets in a plain file: exactly what the keyring is for avoiding.
            raise UriStoreUnavailable(
                f"The keyring ({type(backend).__name__}) keeps secrets in a plain file, so "
                f"the portal address is not stored there. {_hint()}"
            )
        return backend

    def load(self) -> str | None:
        """The stored URI, or None when none is stored (blocking).

        Raises:
            UriStoreUnavailable: no keyring, or it is locked.
        """
        backend = self._keyring()
        try:
            stored = backend.get_password(SERVICE_NAME, URI_USERNAME)
        except Exception as exc:  # backends raise their own types (jeepney, dbus, WinError)
            raise self._unavailable(exc) from None
        return stored or None

    def save(self, uri: str | None) -> None:
        """Store `uri`, or remove the stored one when it is None or empty (blocking).

        Raises:
            QuotaConfigError: `uri` is not a MongoDB URI (nothing is stored).
            UriStoreUnavailable: no keyring, it is locked, or it did not keep the value.
        """
        uri = (uri or "").strip()
        backend = self._keyring()
        if not uri:
            try:
                with contextlib.suppress(keyring.errors.PasswordDeleteError):
                    backend.delete_password(SERVICE_NAME, URI_USERNAME)
            except Exception as exc:
                raise self._unavailable(exc) from None
            logger.info("company portal address removed from the keyring")
            return
        check_mongodb_uri(uri)
        try:
            backend.set_password(SERVICE_NAME, URI_USERNAME, uri)
            kept = backend.get_password(SERVICE_NAME, URI_USERNAME)
        except Exception as exc:
            raise self._unavailable(exc) from None
        if kept != uri:  # a null backend accepts and keeps nothing
            raise UriStoreUnavailable(
                f"The system keyring did not keep the company portal address. {_hint()}"
            )
        logger.info("company portal address saved in the keyring")

    async def aload(self) -> str | None:
        return await run_blocking(self.load)

    async def asave(self, uri: str | None) -> None:
        await run_blocking(self.save, uri)

    def _unavailable(self, exc: Exception) -> UriStoreUnavailable:
        # The error's text names the backend's problem, never the URI.
        logger.warning("keyring unavailable for the portal address: %s", type(exc).__name__)
        return UriStoreUnavailable(
            f"The system keyring is not available ({type(exc).__name__}: {exc}), so the "
            f"company portal address cannot be read or saved. {_hint()}"
        )
