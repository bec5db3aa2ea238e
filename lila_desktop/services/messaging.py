"""Sending a text message: the one send path of the window and the local API.

A send goes through the durable outbox (services/outbox; the window's
`outbox.send.send_text`): checked here (recipient, text), then kept on disk
with its quota unit reserved, and sent once, in order and paced, when its
number is connected.

Refusals are typed: `MessageRefused` (with an API `code` and HTTP `status`)
for bad input; the outbox's (`NeedsOwner`, ...) and the quota's own errors
(`QuotaExceeded`, `QuotaUnavailable`, `CompanyNotFound`) pass through
unchanged. The API maps them to 4xx; the window turns them into plain words.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Final

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone

logger = logging.getLogger(__name__)

# WhatsApp itself takes up to 65 536 characters. 16 000 is plenty for a shop,
# and even at 4 UTF-8 bytes a character it fits the local API's 64 KB body
# cap, so a long text gets this limit's clear message instead of a bare 413.
MAX_TEXT: Final = 16_000
# A user JID (digits) or a group JID (digits, or creator-timestamp) on WhatsApp's
# servers; lila-app accepted these as well as plain numbers.
_JID = re.compile(r"([0-9]{5,20})(?:-([0-9]{5,20}))?@(s\.whatsapp\.net|g\.us|c\.us)")

INVALID_RECIPIENT: Final = "INVALID_RECIPIENT"
INVALID_TEXT: Final = "VALIDATION_ERROR"
NOT_CONNECTED: Final = "SESSION_NOT_CONNECTED"


class MessageRefused(Exception):
    """A send refused before anything was reserved; the message says what to do.

    `code` is the API's error code and `status` its HTTP status.
    """

    code: str = INVALID_TEXT
    status: int = 400


class InvalidRecipient(MessageRefused):
    code = INVALID_RECIPIENT


class InvalidText(MessageRefused):
    code = INVALID_TEXT


class NotConnected(MessageRefused):
    """The sending number is not connected (its status is in `status_value`)."""

    code = NOT_CONNECTED
    status = 503

    def __init__(self, phone: str, status_value: str) -> None:
        super().__init__(
            f"{phone} is not connected ({status_value}); wait until it is connected, "
            "then try again."
        )
        self.phone = phone
        self.status_value = status_value


def check_recipient(raw: object) -> str:
    """A phone number (digits, as for sessions) or a WhatsApp user/group id, normalised.

    `…@c.us` (the old web format) becomes `…@s.whatsapp.net`.

    Raises:
        InvalidRecipient: with what a recipient looks like.
    """
    if isinstance(raw, str) and "@" in raw:
        match = _JID.fullmatch(raw.strip())
        if match is None:
            raise InvalidRecipient(
                "The recipient must be a phone number with country code (e.g. 51902049935) "
                "or a WhatsApp id such as 51902049935@s.whatsapp.net or "
                "120363012345678901@g.us."
            )
        server = "s.whatsapp.net" if match.group(3) == "c.us" else match.group(3)
        user = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
        return f"{user}@{server}"
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber as exc:
        raise InvalidRecipient(str(exc)) from None


def check_text(raw: object) -> str:
    """The message text, unchanged: 1 to MAX_TEXT characters, not only spaces.

    Raises:
        InvalidText: empty, blank, too long, or not text.
    """
    if not isinstance(raw, str):
        raise InvalidText("The message must be text.")
    if not raw.strip():
        raise InvalidText("The message is empty; write the message to send.")
    if len(raw) > MAX_TEXT:
        raise InvalidText(f"The message is too long ({len(raw)} characters; at most {MAX_TEXT}).")
    return raw


def new_key(prefix: str = "msg") -> str:
    """A fresh idempotency key for a send that has none of its own."""
    return f"{prefix}-{uuid.uuid4().hex}"
