"""The local HTTP API on the app's own asyncio loop: app factory, runner, `start_api`.

Bound to 127.0.0.1 only. The GUI and the headless mode both start it with
`start_api(...)` and stop it with `ApiServer.aclose()`.
"""

from __future__ import annotations

import errno
import importlib.resources
import logging
from pathlib import Path
from typing import Final

from aiohttp import web

from lila_desktop.core.quota import QuotaLedger
from lila_desktop.services.api import (
    lowlevel,
    middleware,
    routes_messages,
    routes_sessions,
    routes_webhooks,
)
from lila_desktop.services.api.api_key import ApiKey, check_key, discard_run_key, obtain_api_key
from lila_desktop.services.api.context import CONTEXT, ApiContext
from lila_desktop.services.api.validation import MAX_BODY
from lila_desktop.services.outbox import Outbox
from lila_desktop.services.pool import SessionPool

logger = logging.getLogger(__name__)

HOST: Final = "127.0.0.1"  # never 0.0.0.0: the API is for this laptop only
OPENAPI_RESOURCE: Final = "openapi.json"


class ApiStartError(Exception):
    """The API could not listen (port taken, no permission); str(e) says what to do."""


def openapi_bytes() -> bytes:
    """The OpenAPI document shipped in `lila_desktop/resources/openapi.json`."""
    resources = importlib.resources.files("lila_desktop") / "resources"
    return (resources / OPENAPI_RESOURCE).read_bytes()


def build_app(
    pool: SessionPool,
    ledger: QuotaLedger,
    api_key: ApiKey,
    *,
    qr_wait: float = 20.0,
    effect_wait: float = 5.0,
    outbox: Outbox | None = None,
) -> web.Application:
    """The aiohttp application (no socket yet); tests may serve it themselves."""
    app = web.Application(
        middlewares=[
            middleware.error_middleware,
            middleware.origin_middleware,
            middleware.api_key_middleware(api_key),
            middleware.body_limit_middleware,
        ],
        client_max_size=MAX_BODY,
    )
    ctx = ApiContext(
        pool=pool, ledger=ledger, qr_wait=qr_wait, effect_wait=effect_wait, outbox=outbox
    )
    app[CONTEXT] = ctx
    routes_sessions.register(app, ctx)
    app.add_routes(routes_messages.routes)
    app.add_routes(routes_webhooks.routes)
    document = openapi_bytes()

    async def openapi(request: web.Request) -> web.Response:
        return web.Response(body=document, content_type="application/json")

    app.router.add_get("/api/openapi.json", openapi, allow_head=False)
    app.on_response_prepare.append(middleware.add_security_headers)
    return app


class ApiServer:
    """A running API: `port`, `url`, and `aclose()` (idempotent)."""

    def __init__(self, runner: web.AppRunner, port: int, api_key: ApiKey) -> None:
        self._runner = runner
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.api_key = api_key
        self._closed = False

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Lets requests in flight (a restore, a send) finish for a few seconds.
        await self._runner.cleanup()
        discard_run_key(self.api_key)
        logger.info("local API stopped", extra={"event": "api_stopped"})

    async def __aenter__(self) -> ApiServer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def start_api(
    pool: SessionPool,
    ledger: QuotaLedger,
    *,
    port: int,
    api_key: ApiKey | str | None,
    data_dir: Path,
    qr_wait: float = 20.0,
    outbox: Outbox | None = None,
) -> ApiServer:
    """Serve the API on 127.0.0.1:`port` (0 picks a free port; see `ApiServer.port`).

    Args:
        api_key: the key clients must send; a plain string is checked like
            `LILA_API_KEY`; None finds or creates it (env, keyring, per-run
            file under `data_dir`).
    Raises:
        ApiStartError: the port cannot be used.
    """
    if api_key is None:
        key = await obtain_api_key(data_dir)
    elif isinstance(api_key, str):
        key = ApiKey(check_key(api_key, "The API key"), "env", "the caller")
    else:
        key = api_key
    app = build_app(pool, ledger, key, qr_wait=qr_wait, outbox=outbox)
    runner = lowlevel.runner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        discard_run_key(key)
        raise ApiStartError(_start_error(port, exc)) from exc
    bound = _bound_port(runner, port)
    logger.info(
        "local API listening on http://%s:%d (API key from %s)",
        HOST,
        bound,
        key.where,
        extra={"event": "api_listening", "port": bound, "key_source": key.source},
    )
    return ApiServer(runner, bound, key)


def _start_error(port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"Port {port} is already in use (another Lila Desktop or lila-app?). Stop it, or "
            "start with --api-port N for another port, or --api-port 0 to turn the API off."
        )
    return f"The local API cannot listen on {HOST}:{port} ({exc.strerror or exc})."


def _bound_port(runner: web.AppRunner, requested: int) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    return requested
