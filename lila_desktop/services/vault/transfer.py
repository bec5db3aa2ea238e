"""Export/import of one session as a single passphrase-encrypted file.

Same sealed format with purpose "export"; the key comes from the passphrase
by scrypt with a random salt that travels in the (authenticated) header, so
the file opens on another laptop with nothing but the passphrase. Parameters
read from a file are bounded before use: a crafted file cannot make us
allocate gigabytes.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any, Final

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.services.vault.keystores import SCRYPT_N, SCRYPT_P, SCRYPT_R, derive_key
from lila_desktop.services.vault.model import VaultError
from lila_desktop.services.vault.sealed import (
    PURPOSE_EXPORT,
    SealedFileError,
    open_bytes,
    read_header,
    seal_bytes,
)
from lila_desktop.services.vault.snapshot import StoreCorrupt, check_store

MIN_EXPORT_PASSPHRASE: Final = 8
MAX_IMPORT_SIZE: Final = 1 << 30
EXPORT_SUFFIX: Final = ".lilasession"


def _check_passphrase(passphrase: str) -> None:
    if not isinstance(passphrase, str) or len(passphrase.strip()) < MIN_EXPORT_PASSPHRASE:
        raise VaultError(
            f"Choose a passphrase of at least {MIN_EXPORT_PASSPHRASE} characters (not counting "
            "spaces at its start or end) for the "
            "exported session; you will need it on the other computer."
        )


def export_bytes(
    phone: str, data: bytes, passphrase: str, *, now: float, scrypt_n: int = SCRYPT_N
) -> bytes:
    """Seal store bytes for another computer with a key derived from `passphrase`."""
    _check_passphrase(passphrase)
    salt = os.urandom(16)
    kdf = {
        "name": "scrypt",
        "salt": base64.b64encode(salt).decode(),
        "n": scrypt_n,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
    }
    key = derive_key(passphrase, salt, scrypt_n)
    meta: dict[str, Any] = {"kdf": kdf, "exported_at": now, "format": "whatsmeow-sqlite"}
    return seal_bytes(data, key, phone=phone, purpose=PURPOSE_EXPORT, meta=meta)


def import_bytes(blob: bytes, passphrase: str) -> tuple[str, bytes]:
    """(phone, store bytes) of an export file; VaultError with what to do otherwise."""
    _check_passphrase(passphrase)
    not_export = VaultError(
        "This file is not a Lila Desktop session export (or it is damaged). Choose the "
        f"'{EXPORT_SUFFIX}' file made with Export on the other computer."
    )
    try:
        header = read_header(blob)
    except SealedFileError as exc:
        if exc.reason == "unsupported_version":
            raise VaultError(str(exc)) from None
        raise not_export from None
    if header.purpose != PURPOSE_EXPORT:
        raise not_export
    try:
        phone = normalize_phone(header.phone)
        kdf = header.meta["kdf"]
        salt = base64.b64decode(kdf["salt"], validate=True)
        if phone != header.phone or kdf["name"] != "scrypt" or len(salt) < 16:
            raise ValueError
        key = derive_key(passphrase, salt, int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
    except (InvalidPhoneNumber, KeyError, TypeError, ValueError, binascii.Error):
        raise not_export from None
    try:
        _, data = open_bytes(blob, key, phone=phone, purpose=PURPOSE_EXPORT)
    except SealedFileError:
        raise VaultError(
            "The passphrase is wrong, or the file was damaged on the way. Type the passphrase "
            "chosen at export again, or export the session once more."
        ) from None
    try:
        if not check_store(data).has_device:
            raise StoreCorrupt("no linked device")
    except StoreCorrupt as exc:
        raise VaultError(
            f"The exported session of {phone} is not usable ({exc}). Export it again."
        ) from None
    return phone, data


def read_import_file(src: Path) -> bytes:
    try:
        size = src.stat().st_size
        if size > MAX_IMPORT_SIZE:
            raise VaultError(f"{src.name} is too large to be a session export.")
        return src.read_bytes()
    except FileNotFoundError:
        raise VaultError(f"{src} does not exist. Choose the exported session file.") from None
    except IsADirectoryError:
        raise VaultError(f"{src} is a folder. Choose the exported session file.") from None
    except PermissionError:
        raise VaultError(f"{src} cannot be read (permission denied).") from None
