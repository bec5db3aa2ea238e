"""The API's guards, outermost first: error envelope, Host, Origin, API key, body size.

- Host must name the loopback (localhost, 127.0.0.1, [::1]): a web page
  that re-binds its own DNS name to 127.0.0.1 still sends its name as Host,
  so DNS rebinding gets a 403 before any handler runs.
- A browser request from a non-loopback page carries an Origin header: 403.
  No CORS headers are ever sent, so browsers cannot read any answer either.
- `x-api-key` is required except on the read-only endpoints in OPEN_ROUTES;
  compared in constant time.
- Bodies over MAX_BODY get 413 before they are read (and aiohttp's
  `client_max_size` stops a chunked body at the same size).
- Any exception becomes the lila-app error envelope; only a bug gives 500.
"""

from __future__ import annotations

import errno
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from lila_desktop.core.phone import InvalidPhoneNumber
from lila_desktop.core.quota import CompanyNotFound, QuotaError, QuotaExceeded
from lila_desktop.services.api import views
from lila_desktop.services.api.api_key import ApiKey
from lila_desktop.services.api.errors import ApiError, fail
from lila_desktop.services.api.lowlevel import set_security_headers
from lila_desktop.services.api.validation import MAX_BODY
from lila_desktop.services.outbox.errors import OutboxError
from lila_desktop.services.pool import PoolError
from lila_desktop.services.vault import (
    BackupNotFound,
    InvalidTimestamp,
    StoreUnreadable,
    VaultError,
    VaultUnavailable,
)

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_KEY_HEADER: Final = "x-api-key"
_DISK_FULL: Final = frozenset({errno.ENOSPC, errno.EDQUOT})
OPEN_ROUTES: Final = frozenset(
    {
        ("GET", "/health"),
        ("GET", "/api/sessions"),
        ("GET", "/api/sessions/list"),
        ("GET", "/api/sessions/{phone}/status"),
    }
)
LOOPBACK_NAMES: Final = frozenset({"localhost", "127.0.0.1", "[::1]"})
_HOST = re.compile(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::([0-9]{1,5}))?")
_ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:.]+\]|[^:/\[\]]+)(?::[0-9]{1,5})?")


def is_loopback_host(value: str | None) -> bool:
    """A Host header (name[:port]) that names this machine's loopback interface."""
    if not value:
        return False
    match = _HOST.fullmatch(value.strip())
    return match is not None and match.group(1).lower() in LOOPBACK_NAMES


def is_loopback_origin(value: str) -> bool:
    match = _ORIGIN.fullmatch(value.strip())
    return match is not None and match.group(1).lower() in LOOPBACK_NAMES


def route_key(request: web.Request) -> tuple[str, str] | None:
    """(method, path template) of the matched route; None when nothing matched."""
    info = request.match_info
    if info.http_exception is not None:
        return None
    resource = info.route.resource
    return (request.method, resource.canonical) if resource is not None else None


def error_for(exc: Exception) -> ApiError | None:
    """Map what the pool, the vault and the ledger raise to an API error (None: a bug)."""
    if isinstance(exc, ApiError):
        return exc
    if _disk_full(exc):
        # Not a bug, and the owner can fix it: the atomic writes left the last
        # good copies in place, and a send was not counted or sent.
        return ApiError(
            507,
            "DISK_FULL",
            "The disk that holds Lila Desktop's data is full, so this could not be saved and "
            "nothing was sent. Free some space and try again; nothing was lost.",
        )
    if isinstance(exc, InvalidPhoneNumber):
        return ApiError(400, "INVALID_PHONE_NUMBER", str(exc))
    if isinstance(exc, PoolError):
        return ApiError(exc.status, exc.code, str(exc))
    if isinstance(exc, OutboxError):
        return ApiError(exc.status, exc.code, str(exc))
    if isinstance(exc, InvalidTimestamp):
        return ApiError(400, "INVALID_TIMESTAMP", str(exc))
    if isinstance(exc, BackupNotFound):
        return ApiError(404, "BACKUP_NOT_FOUND", str(exc))
    if isinstance(exc, VaultUnavailable):
        return ApiError(503, "VAULT_UNAVAILABLE", str(exc))
    if isinstance(exc, StoreUnreadable):
        return ApiError(409, "BACKUP_UNREADABLE", str(exc))
    if isinstance(exc, VaultError):
        return ApiError(409, "VAULT_ERROR", str(exc))
    if isinstance(exc, QuotaExceeded):
        s = exc.status
        quota = {"current": s.used, "limit": s.limit, "remaining": s.remaining, "period": s.period}
        return ApiError(429, exc.code, str(exc), extra={"quota": quota | views.quota(s)})
    if isinstance(exc, CompanyNotFound):
        return ApiError(403, exc.code, str(exc))
    if isinstance(exc, QuotaError):
        return ApiError(503, exc.code, str(exc))
    return None


def _disk_full(exc: BaseException | None) -> bool:
    """A full disk anywhere in the chain (an OSError, or SQLite's "database or disk is full")."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
            return True
        if (
            isinstance(exc, sqlite3.Error)
            and (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == 13
        ):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


HUNG_UP: Final = ApiError(
    400,
    "REQUEST_INCOMPLETE",
    "The connection closed before the request was complete; send it again.",
)


def _http_error(exc: web.HTTPException, request: web.Request) -> ApiError:
    if exc.status == 404:
        message = f"No endpoint {request.method} {request.path}; see GET /api/openapi.json."
        return ApiError(404, "NOT_FOUND", message)
    if exc.status == 405:
        allowed = ", ".join(sorted(getattr(exc, "allowed_methods", ()) or ()))
        return ApiError(
            405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here; use {allowed}."
        )
    if exc.status == 413:
        return _too_large()
    code = (exc.reason or "HTTP error").upper().replace(" ", "_")
    return ApiError(exc.status, code, exc.reason or "HTTP error")


def _too_large() -> ApiError:
    return ApiError(
        413, "PAYLOAD_TOO_LARGE", f"The body is too large; the limit is {MAX_BODY // 1024} KB."
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return fail(_http_error(exc, request))
    except ConnectionError:
        # The client hung up (mid-body, or before the answer): not our failure.
        logger.debug("API %s %s: the client closed the connection", request.method, request.path)
        return fail(HUNG_UP)
    except Exception as exc:
        error = error_for(exc)
        if error is None:
            logger.exception("API %s %s failed", request.method, request.path)
            error = ApiError(
                500,
                "INTERNAL_ERROR",
                "Something went wrong inside Lila Desktop; the details are in logs/combined.log.",
            )
        elif error.status >= 500:
            logger.warning("API %s %s: %s", request.method, request.path, error.message)
        return fail(error)


@web.middleware
async def origin_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_loopback_host(request.headers.get("Host")):
        raise ApiError(
            403,
            "FORBIDDEN_HOST",
            "The local API answers only to localhost, 127.0.0.1 or [::1] in the Host header.",
        )
    origin = request.headers.get("Origin")
    if origin is not None and not is_loopback_origin(origin):
        raise ApiError(
            403, "FORBIDDEN_ORIGIN", "The local API does not answer requests made by web pages."
        )
    return await handler(request)


def api_key_middleware(key: ApiKey) -> Middleware:
    @web.middleware
    async def check_key(request: web.Request, handler: Handler) -> web.StreamResponse:
        route = route_key(request)
        if route is not None and route not in OPEN_ROUTES:
            given = request.headers.get(API_KEY_HEADER)
            if given is None:
                raise ApiError(
                    401,
                    "API_KEY_REQUIRED",
                    f"Send the API key in the '{API_KEY_HEADER}' header "
                    "(it is shown in Lila Desktop's Settings).",
                )
            if not key.matches(given):
                raise ApiError(
                    401,
                    "INVALID_API_KEY",
                    "The API key is wrong; copy it again from Lila Desktop's Settings.",
                )
        return await handler(request)

    return check_key


@web.middleware
async def body_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise _too_large()
    return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    set_security_headers(response)
