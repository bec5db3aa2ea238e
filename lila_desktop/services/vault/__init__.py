"""The credential vault: sealed session stores, verified backups, export/import.

The vault itself (cryptography, its stores) and the key stores load on first
use: the window face imports this package for `BackupInfo` and `atomic` long
before the vault opens, behind the window (ui/main.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lila_desktop.services.vault.model import (
    BackupInfo,
    BackupNotFound,
    InvalidTimestamp,
    StoreInUse,
    StoreUnreadable,
    VaultError,
    VaultUnavailable,
)

if TYPE_CHECKING:
    from lila_desktop.services.vault.keystores import (
        KeyringKeyStore,
        PassphraseKeyStore,
        choose_keystore,
    )
    from lila_desktop.services.vault.layout import default_runtime_dir
    from lila_desktop.services.vault.vault import SessionVault

_LAZY = {
    "KeyringKeyStore": "keystores",
    "PassphraseKeyStore": "keystores",
    "choose_keystore": "keystores",
    "default_runtime_dir": "layout",
    "SessionVault": "vault",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BackupInfo",
    "BackupNotFound",
    "InvalidTimestamp",
    "KeyringKeyStore",
    "PassphraseKeyStore",
    "SessionVault",
    "StoreInUse",
    "StoreUnreadable",
    "VaultError",
    "VaultUnavailable",
    "choose_keystore",
    "default_runtime_dir",
]
