"""The headless face: the runtime without a window, until SIGINT/SIGTERM.

Order: the instance lock (a second copy for the same data folder exits 4);
the API port checked; then `Runtime.start` in its one order (pool, quota
ledger, local API, extra services); with --demo, the demo numbers; `ready`;
on a signal, `Runtime.aclose` in the reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from lila_desktop.services.config import EXIT_ALREADY_RUNNING, RuntimeConfig, check_port_free
from lila_desktop.services.instance_lock import AlreadyRunning, InstanceLock
from lila_desktop.services.runtime import Runtime, install_executor
from lila_desktop.services.stop_request import watch_stop_requests

logger = logging.getLogger(__name__)


def run_headless(config: RuntimeConfig) -> int:
    """Serve until stopped; the exit code.

    Raises:
        ConfigError: something the owner must change (the caller words it).
    """
    lock = InstanceLock(config.data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        logger.error("%s", exc)
        return EXIT_ALREADY_RUNNING
    try:
        check_port_free(config.api_port)
        return asyncio.run(_serve(config))
    finally:
        lock.release()


async def _serve(config: RuntimeConfig) -> int:
    loop = asyncio.get_running_loop()
    install_executor(loop)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(sig, stop.set)
    # Windows has no SIGTERM: services/stop_request.py's named event instead.
    unwatch = watch_stop_requests(config.data_dir, loop, stop.set)
    runtime = Runtime(config)
    await runtime.start()  # a ConfigError closes what started, then reaches the caller
    try:
        await runtime.seed_demo()
        logger.info("ready", extra={"event": "ready", "sessions": len(runtime.pool.snapshots())})
        await stop.wait()
        logger.info("shutting down", extra={"event": "stopping"})
    finally:
        unwatch()
        await runtime.aclose()
    logger.info("stopped cleanly", extra={"event": "stopped"})
    return 0
