"""The sealed file format: round trip, binding, and refusal of every tampering."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from lila_desktop.services.vault.sealed import (
    MAGIC,
    PURPOSE_BACKUP,
    PURPOSE_STORE,
    SealedFileError,
    open_bytes,
    read_file_header,
    read_header,
    seal_bytes,
)

KEY = bytes(range(32))
PHONE = "51902049935"
SECRET = b"SQLite format 3\x00" + b"identity-key-0123456789abcdef" * 3


def _seal(plaintext: bytes = SECRET, **meta: object) -> bytes:
    return seal_bytes(plaintext, KEY, phone=PHONE, purpose=PURPOSE_STORE, meta=dict(meta))


def test_round_trip_with_readable_header() -> None:
    blob = _seal(reason="after pairing", connected=True)
    assert blob.startswith(MAGIC + b"\x01")
    header = read_header(blob)
    assert (header.phone, header.purpose, header.version) == (PHONE, PURPOSE_STORE, 1)
    assert header.meta == {"reason": "after pairing", "connected": True}
    opened, plaintext = open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_STORE)
    assert plaintext == SECRET
    assert opened == header


def test_no_plaintext_in_the_file_and_fresh_nonce_each_time() -> None:
    a, b = _seal(), _seal()
    assert b"SQLite format 3" not in a
    assert b"identity-key" not in a
    assert a != b  # random nonce: equal stores do not give equal files


def test_empty_plaintext_round_trips() -> None:
    blob = _seal(b"")
    assert open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_STORE)[1] == b""


def test_every_single_byte_flip_is_refused() -> None:
    blob = _seal(b"0123456789" * 5, reason="x")
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 0x01
        with pytest.raises(SealedFileError):
            open_bytes(bytes(tampered), KEY, phone=PHONE, purpose=PURPOSE_STORE)


def test_every_truncation_is_refused() -> None:
    blob = _seal(b"0123456789" * 5)
    for length in range(len(blob)):
        with pytest.raises(SealedFileError) as err:
            open_bytes(blob[:length], KEY, phone=PHONE, purpose=PURPOSE_STORE)
        assert err.value.reason in {"truncated", "auth_failed", "not_lila_file"}
    with pytest.raises(SealedFileError, match="truncated"):
        open_bytes(blob[:30], KEY, phone=PHONE, purpose=PURPOSE_STORE)


def test_appended_bytes_are_refused() -> None:
    with pytest.raises(SealedFileError) as err:
        open_bytes(_seal() + b"\x00", KEY, phone=PHONE, purpose=PURPOSE_STORE)
    assert err.value.reason == "auth_failed"


def test_wrong_key_is_refused_with_a_clear_message() -> None:
    with pytest.raises(SealedFileError, match="another key") as err:
        open_bytes(_seal(), os.urandom(32), phone=PHONE, purpose=PURPOSE_STORE)
    assert err.value.reason == "auth_failed"


def test_bound_to_phone_and_purpose() -> None:
    blob = _seal()
    with pytest.raises(SealedFileError) as err:
        open_bytes(blob, KEY, phone="5215512345678", purpose=PURPOSE_STORE)
    assert err.value.reason == "wrong_session"
    with pytest.raises(SealedFileError) as err:
        open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_BACKUP)
    assert err.value.reason == "wrong_purpose"


def _rewrite_header(blob: bytes, **changes: object) -> bytes:
    hlen = struct.unpack_from(">I", blob, 9)[0]
    fields = json.loads(blob[13 : 13 + hlen])
    fields.update(changes)
    header = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return blob[:9] + struct.pack(">I", len(header)) + header + blob[13 + hlen :]


def test_a_rewritten_header_is_refused_even_if_consistent() -> None:
    """Moving a backup to another number (header and expectation both changed) fails."""
    other = "5215512345678"
    moved = _rewrite_header(_seal(), phone=other)
    assert read_header(moved).phone == other
    with pytest.raises(SealedFileError) as err:
        open_bytes(moved, KEY, phone=other, purpose=PURPOSE_STORE)
    assert err.value.reason == "auth_failed"
    flipped = _rewrite_header(_seal(connected=False), connected=True)
    with pytest.raises(SealedFileError):
        open_bytes(flipped, KEY, phone=PHONE, purpose=PURPOSE_STORE)


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (b"", "truncated"),
        (b"SQLite format 3\x00" + b"\x00" * 100, "not_lila_file"),
        (MAGIC + b"\x02" + b"\x00" * 60, "unsupported_version"),
        (MAGIC + b"\x01" + struct.pack(">I", 1 << 30) + b"\x00" * 60, "bad_header"),
        (MAGIC + b"\x01" + struct.pack(">I", 4) + b"nope" + b"\x00" * 40, "bad_header"),
        (MAGIC + b"\x01" + struct.pack(">I", 2) + b"[]" + b"\x00" * 40, "bad_header"),
        (MAGIC + b"\x01" + struct.pack(">I", 10) + b'{"phone":1' + b"\x00" * 40, "bad_header"),
    ],
)
def test_malformed_files(blob: bytes, reason: str) -> None:
    with pytest.raises(SealedFileError) as err:
        open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_STORE)
    assert err.value.reason == reason
    assert str(err.value)  # a sentence for people, not just a code


def test_unsupported_version_says_to_update() -> None:
    with pytest.raises(SealedFileError, match="Update Lila Desktop"):
        read_header(MAGIC + b"\x07" + b"\x00" * 60)


def test_read_file_header_reads_only_the_start(tmp_path: Path) -> None:
    path = tmp_path / "big.lila"
    path.write_bytes(_seal(os.urandom(2_000_000), reason="big"))
    assert read_file_header(path).meta == {"reason": "big"}
    path.write_bytes(b"garbage")
    with pytest.raises(SealedFileError):
        read_file_header(path)


def test_seal_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        seal_bytes(b"x", b"short", phone=PHONE, purpose=PURPOSE_STORE)
    with pytest.raises(ValueError, match="set by seal_bytes"):
        seal_bytes(b"x", KEY, phone=PHONE, purpose=PURPOSE_STORE, meta={"phone": "1"})
