"""Settings on disk: `<data_dir>/settings.json`, written atomically, never lost.

A missing file on a first start means defaults. Otherwise the file has the
same care as the session list (services/kept_json.py): a last-good copy is
written beside it; a file that cannot be read or holds invalid values is
kept aside (`settings.json.<time>.damaged`), never overwritten, and the copy
(else the defaults) is used. `recovery` says so, once, for the faces to tell
the owner.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from lila_desktop.core.messages import Code, Message
from lila_desktop.core.settings import Settings, SettingsError
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.kept_json import KeptJson

logger = logging.getLogger(__name__)

FILE_NAME = "settings.json"


def _parse(data: Any) -> Settings:
    if not isinstance(data, dict):
        raise SettingsError("the file does not hold a JSON object")
    return Settings.from_dict(data)


class SettingsStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME
        self._file = KeptJson(self.path, _parse)
        self.recovery: Message | None = None  # set by load() when the file was not usable

    def load(self) -> Settings:
        settings, damage = self._file.read()
        if damage is not None:
            self.recovery = Message.of(
                Code.SETTINGS_RECOVERED,
                aside=str(damage.aside) if damage.aside is not None else None,
                from_copy=int(damage.from_copy),
            )
            self._damage_line = (
                f"the settings file was {damage.kind} ({damage.detail}); "
                + ("the last good copy is used" if damage.from_copy else "starting with defaults")
                + (f", the old file is kept at {damage.aside}" if damage.aside else "")
            )
            if damage.aside != self.path:  # never write over a file we could not move
                try:  # the next start reads a good file: the owner is told once
                    self._write(settings or Settings())
                except OSError as exc:
                    logger.error("could not write the recovered settings: %s", exc)
        return settings if settings is not None else Settings()

    def report_recovery(self) -> None:
        """Log what `load()` found (called once logging is set up)."""
        if self.recovery is not None:
            logger.warning("%s", self._damage_line, extra={"event": "settings_reset"})

    def save(self, settings: Settings) -> None:
        self._write(settings)
        logger.info("settings saved", extra={"event": "settings_saved"})

    def _write(self, settings: Settings) -> None:
        data = json.dumps(settings.to_dict(), indent=2, sort_keys=True).encode("utf-8")
        self._file.write(data + b"\n")

    async def aload(self) -> Settings:
        return await run_blocking(self.load)

    async def asave(self, settings: Settings) -> None:
        await run_blocking(self.save, settings)
