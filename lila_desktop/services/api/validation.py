"""Input checks for the API: path numbers, JSON bodies, fields, headers.

Each check returns a clean value or raises `ApiError` (4xx) with a message
that names the field and shows a valid example. Nothing a client sends is
used to build a path: phone numbers come back as digits only and backup
timestamps go through the strict parser of `core.backup_naming`.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from aiohttp import web

from lila_desktop.core.backup_naming import InvalidBackupTimestamp, parse_timestamp
from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.quota import validate_key
from lila_desktop.services.api.errors import ApiError, bad_request
from lila_desktop.services.messaging import (
    MAX_TEXT as MAX_TEXT,  # re-exported: the API documents and tests this limit
)
from lila_desktop.services.messaging import (
    InvalidRecipient,
    InvalidText,
    check_recipient,
    check_text,
)

MAX_BODY: Final = 64 * 1024  # bytes; a text message and its envelope fit easily
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"


def phone_param(request: web.Request, name: str = "phone") -> str:
    """The session number from the path, as digits (400 with the reason if not)."""
    return phone_value(request.match_info.get(name, ""), "the phone number in the URL")


def phone_value(raw: object, what: str) -> str:
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber as exc:
        raise ApiError(400, "INVALID_PHONE_NUMBER", f"{_cap(what)}: {exc}") from None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; an empty body is `{}` (curl -X POST without -d).

    The size was already capped by the middleware and by aiohttp's
    `client_max_size`; here the type, the encoding and the shape are checked.
    """
    raw = await request.read()
    if not raw.strip():
        return {}
    ctype = request.content_type
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise ApiError(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the body as JSON with the header 'Content-Type: application/json'.",
        )
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise bad_request(
            "The body is not UTF-8 text; send JSON encoded as UTF-8.", "INVALID_JSON"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise bad_request(f"The body is not valid JSON ({_short(exc)}).", "INVALID_JSON") from None
    if not isinstance(value, dict):
        raise bad_request(
            'The body must be a JSON object, e.g. {"phoneNumber": "51902049935"}.', "INVALID_JSON"
        )
    return value


def _short(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)[:120]


def string_field(
    body: dict[str, Any], name: str, *, required: bool = True, max_length: int = 200
) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise bad_request(f"'{name}' must be a string, got {_json_type(value)}.")
    if len(value) > max_length:
        raise bad_request(f"'{name}' is too long ({len(value)} characters; at most {max_length}).")
    return value


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else "a string"


def int_field(body: dict[str, Any], name: str, allowed: tuple[int, ...], default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        choices = ", ".join(str(c) for c in allowed)
        raise bad_request(f"'{name}' must be one of {choices}; got {json.dumps(value)[:40]}.")
    return value


def seconds_field(body: dict[str, Any], name: str, default: float, maximum: float) -> float:
    value = body.get(name, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= maximum
    ):
        raise bad_request(
            f"'{name}' must be a number of seconds above 0 and at most {maximum:g}; "
            f"got {json.dumps(value)[:40]}."
        )
    return float(value)


def backup_timestamp(body: dict[str, Any]) -> str | None:
    """`backupTimestamp` (optional): strictly 2026-01-28T12-30-45-123Z, a real date."""
    value = body.get("backupTimestamp")
    if value is None:
        return None
    try:
        parse_timestamp(value)
    except InvalidBackupTimestamp as exc:
        raise ApiError(400, "INVALID_TIMESTAMP", f"'backupTimestamp': {exc}") from None
    assert isinstance(value, str)  # parse_timestamp accepts strings only
    return value


def recipient(raw: object) -> str:
    """`to`: a phone number (digits, as for sessions) or a WhatsApp JID (user or group)."""
    try:
        return check_recipient(raw)
    except InvalidRecipient as exc:
        raise ApiError(400, exc.code, f"'to': {exc}") from None


def message_text(body: dict[str, Any]) -> str:
    """`text` (lila-app's `message` is accepted too): 1 to MAX_TEXT characters."""
    name = "text" if "text" in body or "message" not in body else "message"
    value = body.get(name)
    if value is None:
        raise bad_request(f"'{name}' is required.")
    if not isinstance(value, str):
        raise bad_request(f"'{name}' must be a string, got {_json_type(value)}.")
    try:
        return check_text(value)
    except InvalidText as exc:
        raise bad_request(f"'{name}': {exc}", exc.code) from None


def idempotency_key(request: web.Request) -> str | None:
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    try:
        return validate_key(raw)
    except ValueError as exc:
        raise ApiError(400, "INVALID_IDEMPOTENCY_KEY", f"{IDEMPOTENCY_HEADER}: {exc}") from None


def choice_query(request: web.Request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.query.get(name, default)
    if value not in choices:
        raise bad_request(
            f"Query parameter '{name}' must be one of {', '.join(choices)}; got {value[:40]!r}."
        )
    return value


def bool_query(request: web.Request, name: str) -> bool:
    value = choice_query(request, name, ("true", "false", "1", "0"), "false")
    return value in ("true", "1")
