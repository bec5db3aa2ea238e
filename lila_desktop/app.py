"""Composition root: builds the pool, vault, engine, API and window, and wires them.

Constructor injection only; no global registry. The headless mode lives here
too; the window is composed in `run_gui` (ui/).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from lila_desktop import __version__
from lila_desktop.core.keystore import KeyStore
from lila_desktop.core.policy import DEFAULT_CONFIG
from lila_desktop.core.quota import QuotaLedger
from lila_desktop.core.settings import Settings
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.instance_lock import AlreadyRunning, InstanceLock
from lila_desktop.services.logs import configure_logging
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.settings_store import SettingsStore
from lila_desktop.services.vault import SessionVault, default_runtime_dir
from lila_desktop.services.vault.atomic import UnsafeDirectory, ensure_private_dir
from lila_desktop.services.vault.keystores import choose_keystore

if TYPE_CHECKING:  # the API stack (aiohttp, pymongo) loads after the window shows
    from lila_desktop.services.api import ApiServer
    from lila_desktop.services.quota.uri_store import MongoUriStore

logger = logging.getLogger(__name__)

DEFAULT_API_PORT = 3001
DEMO_NUMBERS = (
    ("51900000001", "Demo: shop front"),
    ("51900000002", "Demo: deliveries"),
    ("51900000003", "Demo: old phone"),
)


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    transport: str
    headless: bool
    demo: bool
    api_port: int
    json_logs: bool
    log_level: str = "INFO"

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AppConfig:
        demo = bool(args.demo)
        transport = args.transport or ("simulated" if demo else "neonize")
        if demo and transport != "simulated":
            raise SystemExit("--demo runs on the simulated transport; drop --transport neonize")
        data_dir = args.data_dir or Path(platformdirs.user_data_dir("lila-desktop", "Lila"))
        if demo and args.data_dir is None:
            data_dir = data_dir.with_name(data_dir.name + "-demo")
        return cls(
            data_dir=data_dir.expanduser().resolve(),
            transport=transport,
            headless=bool(args.headless),
            demo=demo,
            api_port=DEFAULT_API_PORT if args.api_port is None else args.api_port,
            json_logs=bool(args.json_logs),
            log_level=args.log_level,
        )


def build_pool(
    config: AppConfig, keystore: KeyStore | None = None, settings: Settings | None = None
) -> SessionPool:
    """The pool with its vault and engine, shaped by the owner's settings."""
    data_dir = config.data_dir
    if settings is None:
        settings = SettingsStore(data_dir).load()
    vault = SessionVault(
        data_dir,
        default_runtime_dir(data_dir),
        keystore or choose_keystore(data_dir),
        keep_backups=settings.keep_backups,
    )
    pool: SessionPool
    engine = EngineClient(
        config.transport,
        on_event=lambda message: pool.on_engine_event(message),
        on_died=lambda reason: pool.on_engine_died(reason),
        bot_label=settings.bot_label,
    )
    pool = SessionPool(
        engine=engine,
        vault=vault,
        registry=SessionRegistry(data_dir / "sessions.json"),
        config=replace(DEFAULT_CONFIG, grace_period=settings.grace_period_seconds),
    )
    return pool


async def seed_demo(pool: SessionPool) -> None:
    """Three demo numbers in different states, on first run of --demo."""
    if pool.snapshots():
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


def run(config: AppConfig) -> int:
    try:
        ensure_private_dir(config.data_dir)  # logs and lists name the owner's numbers
    except (OSError, UnsafeDirectory) as exc:
        print(f"lila-desktop: cannot use the data folder {config.data_dir}: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.data_dir, json_lines=config.json_logs, level=config.log_level)
    logger.info(
        "Lila Desktop %s starting",
        __version__,
        extra={
            "event": "starting",
            "data_dir": str(config.data_dir),
            "transport": config.transport,
        },
    )
    if not config.headless and not _display_available():
        logger.warning("no display found; running headless (pool and API, no window)")
        config = AppConfig(**{**config.__dict__, "headless": True})
    if config.headless:
        lock = InstanceLock(config.data_dir)
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            logger.error("%s", exc)
            return 4
        try:
            return asyncio.run(run_headless(config))
        finally:
            lock.release()
    from lila_desktop.ui.main import run_gui  # Qt only when there is a window

    return int(run_gui(config))


def _display_available() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or (
        os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal")
    )


def build_quota_ledger(
    config: AppConfig,
    settings: Settings | None = None,
    *,
    uri_store: MongoUriStore | None = None,
) -> QuotaLedger:
    """The quota ledger as the owner configured it (blocking: reads the keyring).

    The company portal's MongoDB when a URI is configured: `LILA_MONGODB_URI`
    first, else the one Settings keeps in the keyring; company id from
    Settings. Otherwise the local SQLite ledger with the limit from
    `LILA_QUOTA_LIMIT`, else Settings (default 1000). A keyring that cannot be
    read is logged and counts as no URI: sending goes on against the local
    limit, and the window shows "(local)".

    Raises:
        QuotaConfigError: a bad environment value or a stored URI that is not one.
    """
    from lila_desktop.services.quota.factory import (
        build_ledger,
        limit_from_env,
        mongodb_uri_from_env,
    )
    from lila_desktop.services.quota.uri_store import MongoUriStore, UriStoreUnavailable

    if settings is None:
        settings = SettingsStore(config.data_dir).load()
    uri = mongodb_uri_from_env()
    if uri is None:
        try:
            uri = (uri_store or MongoUriStore()).load()
        except UriStoreUnavailable as exc:
            # No keyring at all (a server): nothing can have been saved there, so
            # this is no news. A locked or failing one may hide a saved URI.
            level = logging.INFO if exc.no_keyring else logging.WARNING
            logger.log(level, "quota: %s Using the local quota.", exc)
    return build_ledger(
        mongodb_uri=uri,
        data_dir=config.data_dir,
        limit=limit_from_env() or settings.quota_limit,
        company_id=settings.company_id or None,
    )


async def start_local_api(
    pool: SessionPool, ledger: QuotaLedger, config: AppConfig
) -> ApiServer | None:
    """Start the local API as configured (None with --api-port 0).

    Raises:
        ApiStartError: the port is taken; ApiKeyError: LILA_API_KEY is unusable.
    """
    if config.api_port == 0:
        logger.info("local API off (--api-port 0)", extra={"event": "api_off"})
        return None
    from lila_desktop.services.api import start_api

    return await start_api(
        pool, ledger, port=config.api_port, api_key=None, data_dir=config.data_dir
    )


async def run_headless(config: AppConfig) -> int:
    """Pool and API without a window until SIGINT/SIGTERM; then API, pool, ledger close."""
    from concurrent.futures import ThreadPoolExecutor

    from lila_desktop.services.api import ApiKeyError, ApiStartError
    from lila_desktop.services.quota.factory import QuotaConfigError

    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=32))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        ledger = build_quota_ledger(config)
    except QuotaConfigError as exc:
        logger.error("could not start: %s", exc)
        return 2
    pool = build_pool(config)
    api: ApiServer | None = None
    try:
        await pool.start()
        api = await start_local_api(pool, ledger, config)
    except (ApiStartError, ApiKeyError) as exc:
        logger.error("could not start the local API: %s", exc, extra={"event": "api_failed"})
        await _close_all(None, pool, ledger)
        return 3
    except Exception as exc:
        logger.error("could not start: %s", exc)
        await _close_all(api, pool, ledger)
        return 2
    try:
        if config.demo:
            await seed_demo(pool)
        logger.info("ready", extra={"event": "ready", "sessions": len(pool.snapshots())})
        await stop.wait()
        logger.info("shutting down", extra={"event": "stopping"})
    finally:
        await _close_all(api, pool, ledger)
    logger.info("stopped cleanly", extra={"event": "stopped"})
    return 0


async def _close_all(api: ApiServer | None, pool: SessionPool, ledger: QuotaLedger) -> None:
    """API first (no new requests; those in flight finish), then seal the pool, then the ledger."""
    if api is not None:
        try:
            await api.aclose()
        except Exception:
            logger.exception("closing the local API failed")
    await pool.aclose()
    try:
        await ledger.aclose()
    except Exception:
        logger.exception("closing the quota ledger failed")
