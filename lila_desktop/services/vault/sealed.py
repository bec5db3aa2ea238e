"""The sealed file format: AES-256-GCM with an authenticated, readable header.

Layout (all integers big-endian):

    magic    8 bytes  b"LILASEAL"
    version  1 byte   1
    hlen     4 bytes  length of the header
    header   hlen     canonical JSON: {"phone", "purpose", ...metadata}
    nonce    12 bytes random
    body     AES-256-GCM(plaintext) with its 16-byte tag

The associated data is everything before the nonce *plus* the phone and
purpose the reader expects, so a header cannot be edited, a backup of one
number cannot be opened as another's, and an export cannot pass for a store.
The header stays readable without the key (listing backups must not decrypt
megabytes); it holds no secret: a keyed content id, never a plain hash.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lila_desktop.core.keystore import KEY_SIZE

MAGIC: Final = b"LILASEAL"
VERSION: Final = 1
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
MAX_HEADER: Final = 64 * 1024
_PREFIX = struct.Struct(">8sBI")

PURPOSE_STORE: Final = "store"
PURPOSE_BACKUP: Final = "backup"
PURPOSE_ASIDE: Final = "aside"
PURPOSE_EXPORT: Final = "export"
PURPOSE_KEYCHECK: Final = "keycheck"


class SealedFileError(Exception):
    """A sealed file that cannot be opened; `reason` is a stable code for logs/tests."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SealedHeader:
    phone: str
    purpose: str
    meta: dict[str, Any] = field(default_factory=dict)
    version: int = VERSION


def _aad(prefix: bytes, phone: str, purpose: str) -> bytes:
    return prefix + b"\x00" + phone.encode("ascii") + b"\x00" + purpose.encode("ascii")


def _sealed_prefix(phone: str, purpose: str, meta: dict[str, Any] | None) -> bytes:
    fields = dict(meta or {})
    if "phone" in fields or "purpose" in fields:
        raise ValueError("phone and purpose are set by seal_bytes itself")
    fields.update(phone=phone, purpose=purpose)
    header = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if len(header) > MAX_HEADER:
        raise ValueError("sealed-file header too large")
    return _PREFIX.pack(MAGIC, VERSION, len(header)) + header


def seal_bytes(
    plaintext: bytes, key: bytes, *, phone: str, purpose: str, meta: dict[str, Any] | None = None
) -> bytes:
    """Encrypt `plaintext` for `phone`/`purpose`; `meta` (JSON values) rides in the header."""
    if len(key) != KEY_SIZE:
        raise ValueError("the vault key must be 32 bytes")
    prefix = _sealed_prefix(phone, purpose, meta)
    nonce = os.urandom(NONCE_SIZE)
    body = AESGCM(key).encrypt(nonce, plaintext, _aad(prefix, phone, purpose))
    return prefix + nonce + body


def seal_buffer(
    plaintext: bytes, key: bytes, *, phone: str, purpose: str, meta: dict[str, Any] | None = None
) -> bytearray:
    """As seal_bytes, encrypted straight into one buffer: no second copy of the
    megabytes to join header and body (bench/bench_backup.py)."""
    if len(key) != KEY_SIZE:
        raise ValueError("the vault key must be 32 bytes")
    prefix = _sealed_prefix(phone, purpose, meta)
    nonce = os.urandom(NONCE_SIZE)
    start = len(prefix) + NONCE_SIZE
    out = bytearray(start + len(plaintext) + TAG_SIZE)
    out[: len(prefix)] = prefix
    out[len(prefix) : start] = nonce
    aad = _aad(prefix, phone, purpose)
    AESGCM(key).encrypt_into(nonce, plaintext, aad, memoryview(out)[start:])
    return out


def _split(blob: bytes) -> tuple[bytes, SealedHeader, bytes, bytes]:
    if len(blob) < _PREFIX.size:
        if MAGIC.startswith(blob[:8]):
            raise SealedFileError(
                "The file is truncated (cut off while being written?).", "truncated"
            )
        raise SealedFileError("This is not a Lila Desktop credentials file.", "not_lila_file")
    magic, version, hlen = _PREFIX.unpack_from(blob)
    if magic != MAGIC:
        raise SealedFileError("This is not a Lila Desktop credentials file.", "not_lila_file")
    if version != VERSION:
        raise SealedFileError(
            f"This credentials file has format version {version}; this version of Lila "
            "Desktop reads version 1. Update Lila Desktop to open it.",
            "unsupported_version",
        )
    if hlen > MAX_HEADER:
        raise SealedFileError("The file's header is damaged.", "bad_header")
    end = _PREFIX.size + hlen
    if len(blob) < end + NONCE_SIZE + TAG_SIZE:
        raise SealedFileError("The file is truncated (cut off while being written?).", "truncated")
    try:
        fields = json.loads(blob[_PREFIX.size : end].decode("utf-8"))
        if not isinstance(fields, dict):
            raise TypeError
        phone = fields.pop("phone")
        purpose = fields.pop("purpose")
        if not isinstance(phone, str) or not isinstance(purpose, str):
            raise TypeError
        phone.encode("ascii")
        purpose.encode("ascii")
    except (ValueError, TypeError, KeyError, AttributeError):
        raise SealedFileError("The file's header is damaged.", "bad_header") from None
    header = SealedHeader(phone=phone, purpose=purpose, meta=fields, version=version)
    return blob[:end], header, blob[end : end + NONCE_SIZE], blob[end + NONCE_SIZE :]


def read_header(blob: bytes) -> SealedHeader:
    """The header, *not* authenticated: for listing and routing only, never for trust."""
    return _split(blob)[1]


def read_file_header(path: Path) -> SealedHeader:
    """Like read_header, reading only the start of the file."""
    with open(path, "rb") as f:
        start = f.read(_PREFIX.size)
        if len(start) == _PREFIX.size and start[:8] == MAGIC:
            hlen = min(_PREFIX.unpack(start)[2], MAX_HEADER)
            start += f.read(hlen + NONCE_SIZE + TAG_SIZE)
    if len(start) >= _PREFIX.size and _PREFIX.unpack_from(start)[2] > MAX_HEADER:
        raise SealedFileError("The file's header is damaged.", "bad_header")
    return _split(start)[1]


def open_bytes(blob: bytes, key: bytes, *, phone: str, purpose: str) -> tuple[SealedHeader, bytes]:
    """Authenticate and decrypt; raise SealedFileError saying what is wrong."""
    prefix, header, nonce, body = _split(blob)
    if header.purpose != purpose:
        raise SealedFileError(
            f"This file is a {header.purpose!r} file, not a {purpose!r} file.", "wrong_purpose"
        )
    if header.phone != phone:
        raise SealedFileError(
            f"This file belongs to number {header.phone}, not {phone}.", "wrong_session"
        )
    try:
        plaintext = AESGCM(key).decrypt(nonce, body, _aad(prefix, phone, purpose))
    except InvalidTag:
        raise SealedFileError(
            "The file could not be decrypted: it was altered or damaged, or it was sealed "
            "with another key.",
            "auth_failed",
        ) from None
    return header, plaintext


def open_file(path: Path, key: bytes, *, phone: str, purpose: str) -> tuple[SealedHeader, bytes]:
    return open_bytes(path.read_bytes(), key, phone=phone, purpose=purpose)
