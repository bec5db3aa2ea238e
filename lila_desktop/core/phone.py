"""Phone-number validation: E.164 digits without '+', 8 to 15 digits."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_DIGITS = re.compile(r"[1-9][0-9]{7,14}")


class InvalidPhoneNumber(ValueError):
    """A phone number that is not E.164; the message says what to type."""


def normalize_phone(raw: object) -> str:
    """Return the number as digits only, or raise InvalidPhoneNumber.

    Spaces, dashes, dots, brackets and one leading '+' are forgiven because
    people paste numbers that way; letters, other symbols, a leading 0 (a
    national number without country code) and wrong lengths are refused.
    """
    if not isinstance(raw, str):
        raise InvalidPhoneNumber('The phone number must be text, e.g. "51902049935".')
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("+"):
        text = text[1:]
    if not text:
        raise InvalidPhoneNumber("Enter the phone number with its country code, e.g. 51902049935.")
    if not text.isascii() or not text.isdigit():
        raise InvalidPhoneNumber(
            "A phone number may only contain digits (country code first, e.g. 51902049935)."
        )
    if text.startswith("0"):
        raise InvalidPhoneNumber("Start with the country code, not 0 (e.g. 51902049935 for Peru).")
    if not _DIGITS.fullmatch(text):
        raise InvalidPhoneNumber(
            f"A phone number has 8 to 15 digits including the country code; got {len(text)}."
        )
    return text


def is_valid_phone(raw: object) -> bool:
    try:
        normalize_phone(raw)
    except InvalidPhoneNumber:
        return False
    return True
