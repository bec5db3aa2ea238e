"""Helpers shared by the vault tests (not a test module)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from lila_desktop.services.vault import PassphraseKeyStore, SessionVault
from lila_desktop.services.vault.snapshot import SQLITE_MAGIC

PHONE = "51902049935"
OTHER = "5215512345678"
PASSPHRASE = "correct horse battery"
FAST_SCRYPT_N = 2**10  # the real KDF, with a cost fit for tests


class FakeClock:
    """A wall clock the test moves by hand (backup names sort by it)."""

    def __init__(self, start: float = 1_769_603_445.123) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = 1.0) -> None:
        self.now += seconds


def keystore(data_dir: Path, passphrase: str = PASSPHRASE) -> PassphraseKeyStore:
    return PassphraseKeyStore(data_dir, passphrase, scrypt_n=FAST_SCRYPT_N)


def make_vault(
    tmp: Path, *, keep: int = 5, clock: FakeClock | None = None, passphrase: str = PASSPHRASE
) -> SessionVault:
    data = tmp / "data"
    return SessionVault(
        data,
        tmp / "run",
        keystore(data, passphrase),
        keep_backups=keep,
        clock=clock or FakeClock(),
    )


def all_files(root: Path) -> Iterator[Path]:
    for folder, _, names in os.walk(root):
        for name in names:
            yield Path(folder) / name


def plaintext_sqlite_files(root: Path) -> list[Path]:
    """Files under `root` that contain a plain SQLite header anywhere."""
    return [p for p in all_files(root) if SQLITE_MAGIC in p.read_bytes()]
