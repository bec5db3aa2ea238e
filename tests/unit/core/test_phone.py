"""Phone numbers: E.164 digits without '+', 8–15 digits, refused with a clear message."""

from __future__ import annotations

import pytest

from lila_desktop.core.phone import InvalidPhoneNumber, is_valid_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("51902049935", "51902049935", id="plain-peru"),
        pytest.param("+51902049935", "51902049935", id="leading-plus"),
        pytest.param("+51 902 049 935", "51902049935", id="spaces"),
        pytest.param("  51902049935\n", "51902049935", id="surrounding-whitespace"),
        pytest.param("+1 (415) 555-2671", "14155552671", id="us-brackets-dash"),
        pytest.param("34.612.345.678", "34612345678", id="dots"),
        pytest.param("44\t7911 123456", "447911123456", id="tab"),
        pytest.param("51\u00a0902\u00a0049\u00a0935", "51902049935", id="no-break-spaces"),
        pytest.param("12345678", "12345678", id="8-digits-shortest"),
        pytest.param("123456789012345", "123456789012345", id="15-digits-longest"),
        pytest.param("+ 51 902-049-935", "51902049935", id="plus-then-space"),
    ],
)
def test_valid_numbers_are_normalized_to_digits(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected
    assert is_valid_phone(raw)
    assert normalize_phone(normalize_phone(raw)) == expected  # idempotent


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        pytest.param("", "country code", id="empty"),
        pytest.param("   ", "country code", id="blank"),
        pytest.param("+", "country code", id="only-plus"),
        pytest.param("()-. ", "country code", id="only-separators"),
        pytest.param("abc", "only contain digits", id="letters"),
        pytest.param("5190204993a", "only contain digits", id="trailing-letter"),
        pytest.param("51902049935#", "only contain digits", id="hash"),
        pytest.param("51+902049935", "only contain digits", id="plus-inside"),
        pytest.param("++51902049935", "only contain digits", id="double-plus"),
        pytest.param("51902049935/../x", "only contain digits", id="path-traversal"),
        pytest.param("5190204993\u0665", "only contain digits", id="arabic-indic-digit"),
        pytest.param("\uff15\uff11\uff19\uff10\uff12\uff10\uff14\uff19", "only", id="fullwidth"),
        pytest.param("0051902049935", "not 0", id="international-prefix-00"),
        pytest.param("0902049935", "not 0", id="national-with-0"),
        pytest.param("1234567", "got 7", id="7-digits"),
        pytest.param("1", "got 1", id="1-digit"),
        pytest.param("1234567890123456", "got 16", id="16-digits"),
        pytest.param("5" * 40, "got 40", id="40-digits"),
    ],
)
def test_invalid_numbers_are_refused_with_a_helpful_message(raw: str, hint: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as info:
        normalize_phone(raw)
    message = str(info.value)
    assert hint in message
    assert "51902049935" in message or "8 to 15 digits" in message  # says what to type
    assert not is_valid_phone(raw)


@pytest.mark.parametrize(
    "raw", [None, 51902049935, 5.19e10, b"51902049935", ["51902049935"]], ids=repr
)
def test_non_text_is_refused(raw: object) -> None:
    with pytest.raises(InvalidPhoneNumber, match="must be text"):
        normalize_phone(raw)
    assert not is_valid_phone(raw)


def test_the_error_is_a_value_error_for_callers_that_catch_broadly() -> None:
    assert issubclass(InvalidPhoneNumber, ValueError)
