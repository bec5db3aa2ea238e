"""The credential vault: sealed session stores, verified backups, export/import."""

from lila_desktop.services.vault.keystores import (
    KeyringKeyStore,
    PassphraseKeyStore,
    choose_keystore,
)
from lila_desktop.services.vault.layout import default_runtime_dir
from lila_desktop.services.vault.model import (
    BackupInfo,
    BackupNotFound,
    InvalidTimestamp,
    StoreInUse,
    StoreUnreadable,
    VaultError,
    VaultUnavailable,
)
from lila_desktop.services.vault.vault import SessionVault

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
