"""The redacting filter on every log handler (issue 13, finding 2): whatever a
line carries (message, arguments, structured fields, a traceback), no known
secret and nothing shaped like one reaches the console or combined.log."""

from __future__ import annotations

import io
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from lila_desktop.core.keystore import KeyStoreUnavailable
from lila_desktop.services.api.lowlevel import Throttle
from lila_desktop.services.logs import (
    QuietStreamHandler,
    log_file,
    redact,
    register_secret,
)
from lila_desktop.services.quota.factory import QuotaConfigError, check_mongodb_uri
from lila_desktop.services.vault import PassphraseKeyStore, VaultError
from lila_desktop.services.vault.transfer import export_bytes
from tests.unit.services.logging_support import app_logging

KEY = "redaction-test-key-5b0d8e1f2a"
QR = "2@AbCdEfGhIjKlMnOp,QrStUvWxYz0123456789abcd,ZXhhbXBsZWtleWJ5dGVz,c2VjcmV0c2VjcmV0"


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[Path]:
    with app_logging(tmp_path, json_lines=True):
        yield log_file(tmp_path)


def test_secrets_never_reach_the_log_file(logged: Path, tmp_path: Path) -> None:
    console = io.StringIO()
    for handler in logging.getLogger().handlers:
        if type(handler) is QuietStreamHandler:  # the console
            handler.setStream(console)
    register_secret(KEY)
    PassphraseKeyStore(tmp_path, "  the vault passphrase  ")
    check_mongodb_uri("mongodb://lila:s3cr%40t-pw@db.example:27017/quota")
    log = logging.getLogger("lila_desktop.test")
    log.info("key %s in an argument", KEY)
    log.warning("header x-api-key: %s", "other-key-not-registered-123")
    log.info("fields", extra={"event": "x", "detail": f"passphrase the vault passphrase {KEY}"})
    log.info("qr %s and pairing code ABCD-1234 shown", QR)
    log.info("uri mongodb://lila:s3cr@t-pw@db.example:27017 and s3cr@t-pw")
    try:
        raise ValueError(f"a failure that quotes the key {KEY}")
    except ValueError:
        log.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = logged.read_text(encoding="utf-8")
    for output in (text, console.getvalue()):
        for secret in (KEY, "the vault passphrase", "s3cr@t-pw", "other-key-not-registered", QR):
            assert secret not in output, secret
        assert "ABCD-1234" not in output
        assert "[redacted]" in output and "[qr]" in output and "[pairing code]" in output
    assert "a failure that quotes the key" in text  # the rest of the line stays useful
    assert stat.S_IMODE(os.stat(logged).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(logged.parent).st_mode) == 0o700


def test_ordinary_text_is_left_alone() -> None:
    line = "backup 2026-01-28T12-30-45-123Z of 51902049935 taken (UTF-8, 5 MB)"
    assert redact(line) == line


@pytest.mark.parametrize("blank", ["        ", " \t  \n    ", "  abc     ", "abcdefg"])
def test_blank_or_short_passphrases_are_refused(tmp_path: Path, blank: str) -> None:
    with pytest.raises(KeyStoreUnavailable, match="at least 8 characters"):
        PassphraseKeyStore(tmp_path, blank)
    with pytest.raises(VaultError, match="at least"):
        export_bytes("51902049935", b"", blank, now=0.0)


def test_malformed_request_logging_is_rate_limited() -> None:
    throttle = Throttle(limit=3, window=60.0)
    allowed = [throttle.allow(now=100.0 + i) for i in range(10)]
    assert allowed == [True] * 3 + [False] * 7
    assert throttle.dropped == 7
    assert throttle.allow(now=200.0)  # a new window
    assert throttle.dropped == 0


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://garbage garbage",
        "mongodb://a:b:c@host",
        "mongodb://host:99999",
        "mongodb+srv://user@",
        "mongodb://host/db?notAnOption=1",
    ],
)
def test_a_malformed_mongodb_uri_is_refused_without_echoing_it(uri: str) -> None:
    with pytest.raises(QuotaConfigError) as refused:
        check_mongodb_uri(uri, source="LILA_MONGODB_URI")
    assert "LILA_MONGODB_URI" in str(refused.value)
    assert uri not in str(refused.value)


@pytest.mark.parametrize(
    "uri", ["mongodb://lila:pw@db.example:27017/quota", "mongodb+srv://u:p@cluster0.example.net/q"]
)
def test_a_valid_mongodb_uri_passes(uri: str) -> None:
    assert check_mongodb_uri(uri) == uri
