"""The runtime: builds, starts and closes everything, in one order, for both faces.

The window (`ui/main.py`) and headless mode (`app.py`) are two faces of this
one runtime; neither builds a vault, pool, ledger or API of its own.

Start (`Runtime.start`), in this order:
    1. the pool: vault opened (its key from the keystore), engine started,
       the saved numbers brought back;
    2. the quota ledger (blocking: may read the keyring and import pymongo,
       so it runs in a worker thread, after the window shows);
    2b. the durable outbox (services/outbox): recovers after a crash, then
       sends what waits; the API and the window send through it;
    3. the local API, when `config.api_port` is not 0;
    4. the extra services the composition added (`Runtime.services`).
Close (`Runtime.aclose`): the reverse — extra services, API (no new
requests), outbox, pool (seals every store), ledger. Idempotent.

A start problem the owner must fix comes out as `ConfigError` (one plain
line, an exit code); the faces show it and exit.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from lila_desktop.core.keystore import KeyStore
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.policy import DEFAULT_CONFIG
from lila_desktop.core.quota import QuotaLedger
from lila_desktop.services import memory
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.config import (
    PASSPHRASE_ENV,
    RuntimeConfig,
    port_refusal,
    refusal,
)
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.history import SessionHistory
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import SessionVault, VaultUnavailable, default_runtime_dir
from lila_desktop.services.vault.keystores import choose_keystore

if TYPE_CHECKING:  # the API stack (aiohttp, pymongo) and the outbox load only when they start
    from lila_desktop.services.api import ApiServer
    from lila_desktop.services.outbox.wiring import RunningOutbox
    from lila_desktop.services.quota.uri_store import MongoUriStore

logger = logging.getLogger(__name__)

EXECUTOR_WORKERS = 64  # NEONIZE_NOTES hazard 4 applies to our own to_thread calls too
DEMO_NUMBERS = (
    ("51900000001", "Demo: shop front"),
    ("51900000002", "Demo: deliveries"),
    ("51900000003", "Demo: old phone"),
)

AskKeystore = Callable[[VaultUnavailable], Awaitable[KeyStore | None]]


class Service(Protocol):
    """Something started after the API and closed before it (outbox, watchers)."""

    async def start(self) -> None: ...

    async def aclose(self) -> None: ...


def keystore_for(config: RuntimeConfig) -> KeyStore:
    """The passphrase key store when LILA_VAULT_PASSPHRASE was given, else the keyring."""
    env = {PASSPHRASE_ENV: config.passphrase} if config.passphrase else {}
    return choose_keystore(config.data_dir, env)


def build_pool(config: RuntimeConfig, keystore: KeyStore) -> SessionPool:
    """The pool with its vault and engine, shaped by the owner's settings."""
    data_dir = config.data_dir
    vault = SessionVault(
        data_dir,
        default_runtime_dir(data_dir),
        keystore,
        keep_backups=config.settings.keep_backups,
    )
    pool: SessionPool
    engine = EngineClient(
        config.transport,
        on_event=lambda message: pool.on_engine_event(message),
        on_died=lambda reason: pool.on_engine_died(reason),
        bot_label=config.settings.bot_label,
        sim_state=default_runtime_dir(data_dir) / "sim-server.json",
    )
    pool = SessionPool(
        engine=engine,
        vault=vault,
        registry=SessionRegistry(data_dir / "sessions.json"),
        config=replace(DEFAULT_CONFIG, grace_period=config.settings.grace_period_seconds),
    )
    return pool


def build_quota_ledger(
    config: RuntimeConfig, *, uri_store: MongoUriStore | None = None
) -> QuotaLedger:
    """The quota ledger as configured (blocking: reads the keyring).

    The company portal's MongoDB when a URI is configured (`LILA_MONGODB_URI`
    first, else the one Settings keep in the keyring), else the local SQLite
    ledger with `config.quota_limit`. A keyring that cannot be read counts as
    no URI: sending goes on against the local limit.

    Raises:
        ConfigError: the URI kept in the keyring is not one.
    """
    from lila_desktop.services.quota.factory import QuotaConfigError, build_ledger
    from lila_desktop.services.quota.uri_store import MongoUriStore, UriStoreUnavailable

    uri = config.mongodb_uri
    if uri is None:
        try:
            uri = (uri_store or MongoUriStore()).load()
        except UriStoreUnavailable as exc:
            # No keyring at all (a server): nothing can have been saved there, so
            # this is no news. A locked or failing one may hide a saved URI.
            level = logging.INFO if exc.no_keyring else logging.WARNING
            logger.log(level, "quota: %s Using the local quota.", exc)
    try:
        return build_ledger(
            mongodb_uri=uri,
            data_dir=config.data_dir,
            limit=config.quota_limit,
            company_id=config.settings.company_id or None,
        )
    except QuotaConfigError:
        raise refusal(Code.START_PORTAL_URI_STORED) from None


async def seed_demo(pool: SessionPool, *, alongside: bool = False) -> None:
    """Three demo numbers in different states, on first run of --demo; `alongside`:
    next to the number the owner linked in the window's first run."""
    have = {snap.phone for snap in pool.snapshots()}
    if (have and not alongside) or any(phone in have for phone, _ in DEMO_NUMBERS):
        return
    connected, _waiting, old = (phone for phone, _ in DEMO_NUMBERS)
    for phone, name in DEMO_NUMBERS:
        await pool.add(phone, name)
    for phone in (connected, old):
        await pool.wait_for(phone, lambda s: s.qr is not None, 15)
        await pool.simulate(phone, "scan", {})
        await pool.wait_for(phone, lambda s: s.is_connected and s.last_backup_at is not None, 15)
    await pool.simulate(old, "logout", {"code": 401})
    logger.info("demo numbers ready: %s", ", ".join(p for p, _ in DEMO_NUMBERS))


def install_executor(loop: asyncio.AbstractEventLoop) -> None:
    # Before its threads exist: they would each get a malloc arena (memory.py).
    memory.limit_arenas()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=EXECUTOR_WORKERS))


class Runtime:
    """Vault, pool, quota ledger, local API and extra services of one app process."""

    def __init__(
        self,
        config: RuntimeConfig,
        *,
        keystore: KeyStore | None = None,
        uri_store: MongoUriStore | None = None,
        history: SessionHistory | None = None,
    ) -> None:
        """`history`: the window builds it before the runtime, to show the timeline."""
        self.config = config
        self.uri_store = uri_store
        self.pool = build_pool(config, keystore or keystore_for(config))
        # Each number's past, for the timeline.
        self.history = history if history is not None else SessionHistory(config.data_dir)
        self.ledger: QuotaLedger | None = None
        self.api: ApiServer | None = None
        self.outbox: RunningOutbox | None = None  # every message goes through it
        self.services: list[Service] = [memory.MemoryTrimmer()]
        self._started: list[Service] = []
        self._closed = False

    async def start(
        self,
        *,
        ask_keystore: AskKeystore | None = None,
        on_pool: Callable[[SessionPool], None] | None = None,
    ) -> bool:
        """Start everything in order; False when the owner chose to quit instead.

        Args:
            ask_keystore: the window's answer to a vault that cannot open (a
                passphrase, or None to quit); without it that is a ConfigError.
            on_pool: told when a new pool replaces the first one (new keystore).
        Raises:
            ConfigError: something the owner must change; what started is closed again.
        """
        try:
            if not await self._start_pool(ask_keystore, on_pool):
                return False
            await self.history.open()
            self.history.attach(self.pool)
            try:
                self.ledger = await run_blocking(
                    build_quota_ledger, self.config, uri_store=self.uri_store
                )
                from lila_desktop.services.outbox.wiring import start_outbox  # after the window

                self.outbox = await start_outbox(
                    self.pool, self.ledger, self.config.data_dir, self.config.settings
                )
            except OSError as exc:
                # The ledger and the outbox write at start (recovery, settling):
                # on a full disk say so plainly instead of a traceback.
                if exc.errno != errno.ENOSPC:
                    raise
                logger.error("start: %s", exc, extra={"event": "disk_full"})
                raise refusal(Code.START_DISK_FULL, path=str(self.config.data_dir)) from None
            await self._start_api()
            for service in self.services:
                await service.start()
                self._started.append(service)
        except BaseException:
            await self.aclose()
            raise
        return True

    async def _start_pool(
        self, ask_keystore: AskKeystore | None, on_pool: Callable[[SessionPool], None] | None
    ) -> bool:
        while True:
            try:
                await self.pool.start()
                return True
            except VaultUnavailable as exc:
                logger.warning("vault unavailable: %s", exc, extra={"event": "vault_unavailable"})
                await self.pool.aclose()
                if ask_keystore is None:
                    raise refusal(Code.START_OTHER, detail=str(exc)) from None
                keystore = await ask_keystore(exc)
                if keystore is None:
                    return False
                self.pool = build_pool(self.config, keystore)
                if on_pool is not None:
                    on_pool(self.pool)

    async def _start_api(self) -> None:
        if not self.config.api_enabled:
            logger.info("local API off", extra={"event": "api_off"})
            return
        assert self.ledger is not None
        # Imported only now: aiohttp is slow to import and the window is already up.
        from lila_desktop.services.api import ApiKey, ApiKeyError, ApiStartError, start_api
        from lila_desktop.services.config import API_KEY_ENV, EXIT_PORT

        key = None
        if self.config.api_key is not None:
            key = ApiKey(self.config.api_key, "env", f"the environment variable {API_KEY_ENV}")
        try:
            self.api = await start_api(
                self.pool,
                self.ledger,
                port=self.config.api_bind_port,
                api_key=key,
                data_dir=self.config.data_dir,
                outbox=self.outbox.outbox if self.outbox else None,
            )
        except ApiStartError as exc:
            cause = exc.__cause__
            port = self.config.api_port
            if isinstance(cause, OSError):
                refused = port_refusal(port, cause)
            else:
                refused = refusal(Code.START_OTHER, EXIT_PORT, detail=str(exc))
            logger.error("local API not started: %s", refused, extra={"event": "api_failed"})
            raise refused from None
        except ApiKeyError as exc:
            raise refusal(Code.START_OTHER, detail=str(exc)) from None

    @property
    def notices(self) -> list[Message]:
        """What the owner must be told once about this start (files rebuilt or kept aside)."""
        found = list(self.config.notices)
        if self.pool.registry.recovery is not None:
            found.append(self.pool.registry.recovery)
        return found

    async def seed_demo(self, *, alongside: bool = False) -> None:
        if self.config.demo:
            await seed_demo(self.pool, alongside=alongside)
            # A believable day behind the connected and the logged-out number.
            self.history.seed_demo([DEMO_NUMBERS[0][0], DEMO_NUMBERS[2][0]])

    async def aclose(self) -> None:
        """Extra services, then the API, then the pool (seals), then the ledger. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for service in reversed(self._started):
            try:
                await service.aclose()
            except Exception:
                logger.exception("closing %r failed", service)
        if self.api is not None:
            try:
                await self.api.aclose()
            except Exception:
                logger.exception("closing the local API failed")
        if self.outbox is not None:  # a send in flight finishes first (CLOSE_GRACE)
            try:
                await self.outbox.aclose()
            except Exception:
                logger.exception("closing the outbox failed")
        try:
            await self.history.aclose()  # "not running" from now on, and written
        except Exception:
            logger.exception("closing the history failed")
        try:
            await self.pool.aclose()
        except Exception:
            logger.exception("closing the pool failed")
        if self.ledger is not None:
            try:
                await self.ledger.aclose()
            except Exception:
                logger.exception("closing the quota ledger failed")
