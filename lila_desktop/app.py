"""The command line's composition: configuration once, then one of the two faces.

Start-up path (both faces):
    1. the data folder: resolved (command line, else the platform default)
       and checked (a folder, writable);
    2. Settings loaded from it (a damaged file is kept aside: defaults);
    3. the configuration resolved once: command line > environment >
       Settings > defaults, into a frozen `RuntimeConfig`;
    4. logging configured;
    5. the face: the window (`ui.main.run_gui`), or headless
       (`services.headless.run_headless`) when asked or when there is no
       display; each takes the instance lock, checks the API port and then
       starts the one `services.runtime.Runtime`.
A value the owner must change stops the start with one plain line (stderr,
and a dialog in the window) and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import replace

from lila_desktop import __version__
from lila_desktop.services.config import (
    CommandLine,
    ConfigError,
    check_data_dir,
    resolve,
    resolve_data_dir,
)
from lila_desktop.services.logs import configure_logging
from lila_desktop.services.settings_store import SettingsStore

logger = logging.getLogger(__name__)


def run(cli: CommandLine, environ: Mapping[str, str] | None = None) -> int:
    """Resolve the configuration, then run the face it asks for; the process's exit code."""
    env = dict(os.environ if environ is None else environ)
    window = not cli.headless and display_available(env)
    language = "system"
    try:
        data_dir = resolve_data_dir(cli)
        check_data_dir(data_dir)
        store = SettingsStore(data_dir)
        settings = store.load()
        language = settings.language
        config = resolve(cli, env, settings)
        if store.recovery is not None:
            config = replace(config, notices=(store.recovery,))
    except ConfigError as exc:
        return refuse(exc, window=window, language=language)
    configure_logging(config.data_dir, json_lines=config.json_logs, level=config.log_level)
    logger.info(
        "Lila Desktop %s starting",
        __version__,
        extra={
            "event": "starting",
            "data_dir": str(config.data_dir),
            "transport": config.transport,
            "api_port": config.api_port,
            "api_port_from": config.sources.get("api_port"),
        },
    )
    store.report_recovery()
    if not window:
        gc.enable()  # paused for the window's start (__main__.py): none comes
        from lila_desktop.services.headless import run_headless

        if not cli.headless:
            logger.warning("no display found; running headless (pool and API, no window)")
        try:
            return run_headless(replace(config, headless=True))
        except ConfigError as exc:
            return refuse(exc, window=False)
    from lila_desktop.ui.main import run_gui  # Qt only when there is a window

    return int(run_gui(config))


def refuse(exc: ConfigError, *, window: bool, language: str = "system") -> int:
    """One plain line on stderr (and in a dialog for the window face); the exit code."""
    line = str(exc)
    print(f"lila-desktop: {line}", file=sys.stderr, flush=True)
    if logging.getLogger().handlers:
        logger.error("start refused: %s", line, extra={"event": "start_refused"})
    if window:
        from lila_desktop.ui.start_error import show_start_error

        show_start_error(exc.message, language)
    return exc.exit_code


def display_available(env: Mapping[str, str]) -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) or (
        env.get("QT_QPA_PLATFORM") in ("offscreen", "minimal")
    )
