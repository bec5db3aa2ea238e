"""Webhooks: every message state change POSTed to the owner's URL, at least once.

Events are written to the outbox database in the same transaction as the
change they describe (store.py), so none is lost to a crash; this dispatcher
POSTs them in order, signed, and deletes each one only after a 2xx answer.
A failed delivery is retried with exponential backoff (persisted: a restart
carries on where it stopped). Receivers deduplicate by the event `id`.

Signature: `X-Lila-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with
the webhook's secret (shown once when it is configured).

Loopback, private, link-local and reserved addresses are refused unless the
owner allowed them explicitly (a webhook must not become a way to reach the
laptop's own services or the shop's router); the check runs on every delivery
on the addresses the name resolves to then.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import logging
import random
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.outbox.records import PendingEvent, WebhookConfig
from lila_desktop.services.outbox.store import OutboxStore

if TYPE_CHECKING:
    import aiohttp

logger = logging.getLogger(__name__)

SIGNATURE_HEADER: Final = "X-Lila-Signature"
EVENT_HEADER: Final = "X-Lila-Event-Id"
MAX_URL: Final = 2000
POST_TIMEOUT: Final = 10.0
BACKOFF_BASE: Final = 1.0
BACKOFF_CAP: Final = 300.0
MAX_ATTEMPTS: Final = 40  # about three hours of retries, then the event is dropped (logged)


class WebhookRefused(ValueError):
    """A webhook URL that cannot be used; the message says why and what to do."""


def sign(secret: str, body: bytes) -> str:
    """The signature header value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (and our tests): constant-time comparison."""
    return hmac.compare_digest(sign(secret, body), header)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds before the next try after `attempts` failures (1, 2, 4 … 300, ±20 %)."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return float(delay * (0.8 + 0.4 * rng.random()))


def check_url(url: object) -> str:
    """An http(s) URL with a host (syntax only; addresses are checked by `check_addresses`)."""
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise WebhookRefused(f"The webhook URL must be text of at most {MAX_URL} characters.")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused(
            "The webhook URL must start with https:// (or http://) and name a host, "
            "e.g. https://shop.example.com/lila-events."
        )
    if parts.username or parts.password:
        raise WebhookRefused("Put no user or password in the webhook URL; it is signed instead.")
    return url.strip()


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


async def check_addresses(url: str, allow_private: bool) -> None:
    """Refuse a URL whose host resolves to a local/private address unless allowed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise WebhookRefused(f"The webhook host {host!r} cannot be resolved ({exc}).") from None
    if allow_private:
        return
    for info in infos:
        address = str(info[4][0])
        if _is_private(address):
            raise WebhookRefused(
                f"The webhook host {host!r} is a local or private address ({address}). "
                "Allow private addresses explicitly if the receiver runs in the shop's network."
            )


async def configure(
    store: OutboxStore, url: str, *, allow_private: bool, secret: str | None = None
) -> WebhookConfig:
    """Check and save the webhook (a new secret unless one is given)."""
    checked = check_url(url)
    await check_addresses(checked, allow_private)
    if secret is not None and (len(secret) < 16 or len(secret) > 200 or not secret.isprintable()):
        raise WebhookRefused("A webhook secret is 16 to 200 printable characters.")
    config = WebhookConfig(checked, secret or new_secret(), allow_private)
    await run_blocking(store.set_webhook, config)
    return config


class WebhookDispatcher:
    def __init__(
        self,
        store: OutboxStore,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self.delivered = 0
        self.failures = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def poke(self) -> None:
        self._wake.set()

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                wait = await self._round()
            except Exception:
                logger.exception("webhook delivery round failed; trying again shortly")
                wait = 5.0
            if wait is None or wait > 0:
                woken = asyncio.ensure_future(self._wake.wait())
                slept = asyncio.ensure_future(self._sleep(wait if wait is not None else 3600.0))
                try:
                    await asyncio.wait({woken, slept}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    woken.cancel()
                    slept.cancel()

    async def _round(self) -> float | None:
        """Deliver what is due; return seconds until the next is due (None: nothing)."""
        config = await run_blocking(self.store.webhook)
        if config is None:
            return None
        due = await run_blocking(self.store.due_events, self._clock())
        for event in due:
            await self._deliver(config, event)
        if due:
            return 0.0
        next_at = await run_blocking(self.store.next_event_at)
        return None if next_at is None else max(0.0, next_at - self._clock())

    async def _deliver(self, config: WebhookConfig, event: PendingEvent) -> None:
        import aiohttp

        body = event.body.encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(config.secret, body),
            EVENT_HEADER: event.event_id,
            "User-Agent": "LilaDesktop-Webhook/1",
        }
        try:
            await check_addresses(config.url, config.allow_private)
            if self._http is None:
                self._http = aiohttp.ClientSession(
                    timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT)
                )
            async with self._http.post(
                config.url, data=body, headers=headers, allow_redirects=False
            ) as resp:
                await resp.read()
                if 200 <= resp.status < 300:
                    await run_blocking(self.store.event_delivered, event.seq)
                    self.delivered += 1
                    return
                error = f"HTTP {resp.status}"
        except (aiohttp.ClientError, TimeoutError, WebhookRefused, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.failures += 1
        if event.attempts + 1 >= MAX_ATTEMPTS:
            logger.error(
                "webhook event %s dropped after %d tries: %s",
                event.event_id,
                event.attempts + 1,
                error,
            )
            await run_blocking(self.store.event_delivered, event.seq)
            return
        delay = backoff(event.attempts + 1, self._rng)
        logger.warning("webhook delivery failed (%s); next try in %.0f s", error, delay)
        await run_blocking(
            self.store.event_failed, event.seq, next_at=self._clock() + delay, error=error
        )
