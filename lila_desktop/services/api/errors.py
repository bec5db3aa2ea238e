"""The API's error type and the lila-app JSON envelopes.

Success: `{"success": true, "data": ...}`; failure:
`{"success": false, "error": {"message", "code", "statusCode"}}`. Every
error a client can cause is an `ApiError` (or an exception of the pool, the
vault or the quota ledger that `middleware.error_for` maps to one), so a
request never ends in a 500 because of what it sent.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class ApiError(Exception):
    """A 4xx/5xx answer: `message` is for people and says what to do."""

    def __init__(
        self, status: int, code: str, message: str, *, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


def _dumps(value: Any) -> str:
    # ensure_ascii=False keeps Spanish messages readable; compact separators
    # keep the hot status endpoint cheap.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def ok(data: Any, *, status: int = 200, **top: Any) -> web.Response:
    """A success envelope; `top` adds lila-app's top-level extras (message, messageId)."""
    return web.json_response({"success": True, **top, "data": data}, status=status, dumps=_dumps)


def fail(error: ApiError) -> web.Response:
    body = {
        "success": False,
        "error": {
            "message": error.message,
            "code": error.code,
            "statusCode": error.status,
            **error.extra,
        },
    }
    return web.json_response(body, status=error.status, dumps=_dumps)


def bad_request(message: str, code: str = "VALIDATION_ERROR") -> ApiError:
    return ApiError(400, code, message)
