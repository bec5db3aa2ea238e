"""Settings on disk: `<data_dir>/settings.json`, written atomically.

A missing file means defaults. An unreadable or invalid file is moved aside
(`settings.json.bad-<time>`) rather than overwritten, so the owner's values
can still be recovered by hand, and the app starts on defaults with a log line
that says so.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from lila_desktop.core.settings import Settings, SettingsError
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.vault.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)

FILE_NAME = "settings.json"


class SettingsStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME

    def load(self) -> Settings:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise SettingsError("the file does not hold a JSON object")
            return Settings.from_dict(data)
        except (ValueError, TypeError) as exc:  # JSONDecodeError and SettingsError are ValueErrors
            aside = self.path.with_name(f"{FILE_NAME}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                self.path.replace(aside)
            except OSError:
                aside = self.path
            logger.warning(
                "settings file was not usable (%s); starting with defaults, old file kept at %s",
                exc,
                aside,
                extra={"event": "settings_reset"},
            )
            return Settings()

    def save(self, settings: Settings) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(settings.to_dict(), indent=2, sort_keys=True).encode("utf-8")
        atomic_write_bytes(self.path, data + b"\n")
        logger.info("settings saved", extra={"event": "settings_saved"})

    async def aload(self) -> Settings:
        return await run_blocking(self.load)

    async def asave(self, settings: Settings) -> None:
        await run_blocking(self.save, settings)
