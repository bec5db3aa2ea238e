"""aiohttp's own error answers, made ours: JSON envelope, security headers, quiet log.

Before a request reaches the middlewares, aiohttp's parser may refuse it
(a bad request line, a control character in a header). aiohttp then logs
an ERROR with a traceback whose message quotes the offending header line:
an `x-api-key` header with a `\\x00` in it put the key into combined.log. It
also answers in plain text. `EnvelopeRequestHandler.handle_error` replaces
both: the log line names the kind of error and the client's address only
(never request bytes), at DEBUG and rate-limited (junk traffic must not
flood the log), and the answer is the lila-app error envelope.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Final

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from lila_desktop.services.api.errors import ApiError, fail

logger = logging.getLogger("lila_desktop.services.api.http")

LOG_WINDOW_S: Final = 60.0
LOG_PER_WINDOW: Final = 5


class Throttle:
    """At most `limit` log lines per `window` seconds; counts the rest."""

    def __init__(self, limit: int = LOG_PER_WINDOW, window: float = LOG_WINDOW_S) -> None:
        self.limit = limit
        self.window = window
        self._started = -window
        self._count = 0
        self.dropped = 0

    def allow(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now - self._started >= self.window:
            if self.dropped:
                logger.debug("%d more malformed requests refused without a log line", self.dropped)
            self._started, self._count, self.dropped = now, 0, 0
        self._count += 1
        if self._count > self.limit:
            self.dropped += 1
            return False
        return True


THROTTLE = Throttle()

BAD_REQUEST = ApiError(
    400,
    "BAD_REQUEST",
    "The request is not valid HTTP (a malformed request line or header, or a control "
    "character in a header); nothing was done. Check the client that sent it.",
)
INTERNAL = ApiError(
    500,
    "INTERNAL_ERROR",
    "Something went wrong inside Lila Desktop; the details are in logs/combined.log.",
)


class EnvelopeRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500:
            # A bug that escaped the error middleware: the type and where, not the request.
            logger.error(
                "API request from %s failed: %s",
                request.remote,
                type(exc).__name__ if exc else "error",
                exc_info=exc,
            )
            error = INTERNAL
        else:
            if THROTTLE.allow():
                logger.debug(
                    "refused a malformed HTTP request from %s (%s, %d)",
                    request.remote,
                    type(exc).__name__ if exc else "error",
                    status,
                )
            error = ApiError(status, BAD_REQUEST.code, BAD_REQUEST.message)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer had begun; the connection is closed instead")
        response = fail(error)
        set_security_headers(response)
        response.force_close()
        return response


def set_security_headers(response: web.StreamResponse) -> None:
    # Answers hold live QR codes and states: never cached; never sniffed as HTML.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"


class EnvelopeServer(web.Server):
    def __call__(self) -> RequestHandler:
        return EnvelopeRequestHandler(self, loop=self._loop, **self._kwargs)


class EnvelopeRunner(web.AppRunner):
    """An AppRunner whose connections use EnvelopeRequestHandler."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # aiohttp builds the Server itself; only the handler class differs.
        server.__class__ = EnvelopeServer
        return server


def runner(app: web.Application, **kwargs: Any) -> web.AppRunner:
    return EnvelopeRunner(app, **kwargs)
