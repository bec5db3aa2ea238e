"""The sealed file format: round trip, binding, and refusal of every tampering."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from lila_desktop.services.vault.sealed import (
    MAGIC,
    MAX_HEADER,
    PURPOSE_BACKUP,
    PURPOSE_STORE,
    SealedFileError,
    SealedHeader,
    open_bytes,
    read_file_header,
    read_header,
    seal_buffer,
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


# A backup written by format 1 (sealed once with KEY; the nonce was random then).
# Backups outlive releases: whatever changes in the code, this file must open.
GOLDEN = bytes.fromhex(
    "4c494c415345414c01000000497b22636f6e6e6563746564223a747275652c2270686f6e65223a2235"
    "31393032303439393335222c22707572706f7365223a226261636b7570222c22726561736f6e223a22"
    "7631227d1d90dc32b5a9989a579c471778333ee140c3ca1df698caf960d934b65ab2265a1eeba49ce1"
    "c68b0a47abc56d04e8b983d922"
)
GOLDEN_PLAINTEXT = b"SQLite format 3\x00golden"


def test_a_backup_sealed_by_format_1_still_opens() -> None:
    header, plaintext = open_bytes(GOLDEN, KEY, phone=PHONE, purpose=PURPOSE_BACKUP)
    assert plaintext == GOLDEN_PLAINTEXT
    assert header == SealedHeader(PHONE, PURPOSE_BACKUP, {"connected": True, "reason": "v1"}, 1)


def test_sealing_today_writes_format_1_byte_for_byte() -> None:
    """Same prefix and header bytes as the golden file; only the nonce and body differ."""
    blob = seal_bytes(
        GOLDEN_PLAINTEXT,
        KEY,
        phone=PHONE,
        purpose=PURPOSE_BACKUP,
        meta={"reason": "v1", "connected": True},
    )
    nonce_at = 13 + struct.unpack_from(">I", GOLDEN, 9)[0]
    assert len(blob) == len(GOLDEN)
    assert blob[:nonce_at] == GOLDEN[:nonce_at]
    assert blob[nonce_at:] != GOLDEN[nonce_at:]


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (b"LILA", "truncated"),  # the start of a sealed file: cut off
        (MAGIC + b"\x01\x00", "truncated"),
        (b"SQLite", "not_lila_file"),  # short, and not ours
        (b"LILAXEAL\x01\x00\x00\x00\x02{}", "not_lila_file"),
    ],
)
def test_short_files_say_cut_off_or_not_ours(blob: bytes, reason: str) -> None:
    with pytest.raises(SealedFileError) as err:
        open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_STORE)
    assert err.value.reason == reason


def _meta_for_header_of(size: int) -> dict[str, object]:
    """Metadata that makes the sealed header exactly `size` bytes long."""
    base = len(
        json.dumps({"pad": "", "phone": PHONE, "purpose": PURPOSE_STORE}, separators=(",", ":"))
    )
    return {"pad": "x" * (size - base)}


def test_the_largest_header_seals_and_opens_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    blob = _seal(b"x", **_meta_for_header_of(MAX_HEADER))
    assert struct.unpack_from(">I", blob, 9)[0] == MAX_HEADER
    assert open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_STORE)[1] == b"x"
    path = tmp_path / "big-header.lila"
    path.write_bytes(blob)
    assert read_file_header(path).meta == _meta_for_header_of(MAX_HEADER)
    with pytest.raises(ValueError, match="too large"):
        _seal(b"x", **_meta_for_header_of(MAX_HEADER + 1))


def test_a_header_length_past_the_limit_is_damage_not_a_big_read(tmp_path: Path) -> None:
    path = tmp_path / "damaged.lila"
    path.write_bytes(MAGIC + b"\x01" + struct.pack(">I", MAX_HEADER + 1) + b"{}" + b"\x00" * 64)
    with pytest.raises(SealedFileError) as err:
        read_file_header(path)
    assert err.value.reason == "bad_header"


def test_seal_refuses_metadata_that_would_rebind_the_purpose() -> None:
    with pytest.raises(ValueError, match="set by seal_bytes"):
        seal_bytes(b"x", KEY, phone=PHONE, purpose=PURPOSE_STORE, meta={"purpose": "backup"})


@pytest.mark.parametrize(
    ("blob", "words"),
    [
        (b"SQLite", "This is not a Lila Desktop credentials file."),
        (b"SQLite format 3\x00" + b"\x00" * 100, "This is not a Lila Desktop credentials file."),
        (
            MAGIC + b"\x01" + struct.pack(">I", 1 << 30) + b"\x00" * 60,
            "The file's header is damaged.",
        ),
        (
            MAGIC + b"\x01" + struct.pack(">I", 2) + b"[]" + b"\x00" * 40,
            "The file's header is damaged.",
        ),
        (_seal()[:-1] + b"\x00", "The file could not be decrypted: it was altered or damaged"),
    ],
)
def test_each_refusal_says_what_is_wrong_in_words(blob: bytes, words: str) -> None:
    """The words reach the owner (a backup that fails its read-back, an import)."""
    with pytest.raises(SealedFileError) as err:
        open_bytes(blob, KEY, phone=PHONE, purpose=PURPOSE_STORE)
    assert str(err.value).startswith(words)


@pytest.mark.parametrize(
    ("blob", "phone", "purpose", "words"),
    [
        (MAGIC[:6], PHONE, PURPOSE_STORE, "The file is truncated (cut off while being written?)."),
        (
            _seal()[:40],
            PHONE,
            PURPOSE_STORE,
            "The file is truncated (cut off while being written?).",
        ),
        (
            MAGIC + b"\x02" + b"\x00" * 60,
            PHONE,
            PURPOSE_STORE,
            "This credentials file has format version 2; this version of Lila Desktop reads "
            "version 1. Update Lila Desktop to open it.",
        ),
        (
            _seal(),
            PHONE,
            PURPOSE_BACKUP,
            "This file is a 'store' file, not a 'backup' file.",
        ),
        (
            _seal(),
            "5215512345678",
            PURPOSE_STORE,
            f"This file belongs to number {PHONE}, not 5215512345678.",
        ),
        (
            _seal()[:-1] + b"\x00",
            PHONE,
            PURPOSE_STORE,
            "The file could not be decrypted: it was altered or damaged, or it was sealed "
            "with another key.",
        ),
    ],
)
def test_each_refusal_is_worded_in_full(blob: bytes, phone: str, purpose: str, words: str) -> None:
    """The rest of the refusals, word for word (they reach the owner too)."""
    with pytest.raises(SealedFileError) as err:
        open_bytes(blob, KEY, phone=phone, purpose=purpose)
    assert str(err.value) == words


@pytest.mark.parametrize("fields", [{"phone": 51902049935, "purpose": "store"}, {"phone": PHONE}])
def test_a_header_without_a_text_phone_and_purpose_is_damaged(fields: dict[str, object]) -> None:
    header = json.dumps(fields).encode()
    blob = MAGIC + b"\x01" + struct.pack(">I", len(header)) + header + b"\x00" * 40
    with pytest.raises(SealedFileError) as err:
        read_header(blob)
    assert (err.value.reason, str(err.value)) == ("bad_header", "The file's header is damaged.")


def test_a_file_cut_inside_its_prefix_is_cut_off_when_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "cut.lila"
    for size in range(8, 13):  # the magic whole, the rest of the prefix missing
        path.write_bytes((MAGIC + b"\x01\x00\x00\x00\x02")[:size])
        with pytest.raises(SealedFileError) as err:
            read_file_header(path)
        assert err.value.reason == "truncated", size
    path.write_bytes(MAGIC + b"\x01" + struct.pack(">I", MAX_HEADER + 1))
    with pytest.raises(SealedFileError) as err:
        read_file_header(path)
    assert (err.value.reason, str(err.value)) == ("bad_header", "The file's header is damaged.")


def test_sealing_into_one_buffer_writes_what_seal_bytes_writes() -> None:
    meta = {"reason": "periodic"}
    buffer = seal_buffer(SECRET, KEY, phone=PHONE, purpose=PURPOSE_BACKUP, meta=meta)
    assert isinstance(buffer, bytearray)
    header, plaintext = open_bytes(bytes(buffer), KEY, phone=PHONE, purpose=PURPOSE_BACKUP)
    assert plaintext == SECRET and header.meta == meta
    reference = seal_bytes(SECRET, KEY, phone=PHONE, purpose=PURPOSE_BACKUP, meta=meta)
    prefix = 13 + struct.unpack_from(">I", reference, 9)[0]
    assert len(buffer) == len(reference) and buffer[:prefix] == reference[:prefix]
    assert buffer[prefix : prefix + 12] != reference[prefix : prefix + 12]  # a fresh nonce
    with pytest.raises(ValueError, match="the vault key must be 32 bytes"):
        seal_buffer(SECRET, KEY[:31], phone=PHONE, purpose=PURPOSE_BACKUP)
    with pytest.raises(ValueError, match="phone and purpose are set by seal_bytes itself"):
        seal_buffer(SECRET, KEY, phone=PHONE, purpose=PURPOSE_BACKUP, meta={"phone": "1"})
