"""Where the vault's 256-bit master key lives (PRODUCT.md §2).

Implementations (`lila_desktop.services.vault.keystores`): the OS keyring,
and a passphrase (scrypt) as the explicit headless alternative. There is no
plaintext fallback: a key store that cannot keep the key raises
`KeyStoreUnavailable`, whose message tells the owner what to do.

The methods block (keyring D-Bus calls, scrypt): callers in `services` run
them through `run_blocking`.
"""

from __future__ import annotations

from typing import Final, Protocol

KEY_SIZE: Final = 32  # AES-256


class KeyStoreUnavailable(Exception):
    """The key cannot be read or kept; str(e) says why and what to do."""


class KeyStore(Protocol):
    @property
    def kind(self) -> str:
        """A short stable word ("keyring", "passphrase") recorded with the data."""
        ...

    @property
    def description(self) -> str:
        """Where the key lives, for messages (never the key itself)."""
        ...

    def load_key(self) -> bytes | None:
        """The existing 32-byte key, or None if none was ever created here."""
        ...

    def create_key(self) -> bytes:
        """Create, keep and return a new 32-byte key (only when load_key gave None)."""
        ...
