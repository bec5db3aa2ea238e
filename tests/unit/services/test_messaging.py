"""The send path's checks (services.messaging): recipients, texts, keys."""

from __future__ import annotations

import pytest

from lila_desktop.services import messaging
from lila_desktop.services.messaging import (
    MAX_TEXT,
    InvalidRecipient,
    InvalidText,
    check_recipient,
    check_text,
)

PHONE = "51902049935"
OTHER = "51987654321"
LIMIT = 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (OTHER, OTHER),
        ("+51 987-654-321", OTHER),
        (f"{OTHER}@s.whatsapp.net", f"{OTHER}@s.whatsapp.net"),
        (f" {OTHER}@c.us ", f"{OTHER}@s.whatsapp.net"),
        ("120363012345678901@g.us", "120363012345678901@g.us"),
        ("51987654321-1700000000@g.us", "51987654321-1700000000@g.us"),
    ],
)
def test_recipients_people_type_are_normalised(raw: str, expected: str) -> None:
    assert check_recipient(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "country code"),
        ("hola", "only contain digits"),
        ("0987654321", "not 0"),
        ("1234", "8 to 15 digits"),
        (51987654321, "must be text"),
        (None, "must be text"),
        ("51987654321@evil.example", "WhatsApp id such as"),
        ("../../x@g.us", "WhatsApp id such as"),
    ],
)
def test_bad_recipients_say_what_a_recipient_looks_like(raw: object, words: str) -> None:
    with pytest.raises(InvalidRecipient, match=words) as info:
        check_recipient(raw)
    assert (info.value.code, info.value.status) == ("INVALID_RECIPIENT", 400)


def test_text_limits() -> None:
    assert check_text("Hola") == "Hola"
    assert check_text(" x ") == " x ", "the text is sent as typed"
    assert check_text("é" * MAX_TEXT) == "é" * MAX_TEXT
    for raw, words in [
        ("", "empty"),
        (" \n\t", "empty"),
        ("x" * (MAX_TEXT + 1), f"too long \\({MAX_TEXT + 1} characters; at most {MAX_TEXT}\\)"),
        (5, "must be text"),
    ]:
        with pytest.raises(InvalidText, match=words) as info:
            check_text(raw)
        assert (info.value.code, info.value.status) == ("VALIDATION_ERROR", 400)
    assert MAX_TEXT <= 65_536, "never more than WhatsApp itself takes"


# Sending itself goes through the outbox: tests/unit/services/test_outbox*.py.


def test_new_keys_are_valid_and_distinct() -> None:
    keys = {messaging.new_key("ui") for _ in range(100)}
    assert len(keys) == 100 and all(k.startswith("ui-") for k in keys)
