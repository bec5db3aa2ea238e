"""The list of sessions, kept in `<data_dir>/sessions.json` across restarts.

Only what must survive a restart is kept: the number, its name, whether the
owner wants it running, and a status that needs the owner (logged out,
failed, outdated, replaced) with its message, so the window still says what
to do after a restart. Transient states are never persisted.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.status import Status
from lila_desktop.services.vault.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
_PARKABLE = frozenset({Status.LOGGED_OUT, Status.FAILED, Status.OUTDATED, Status.REPLACED})


@dataclass(frozen=True)
class SessionEntry:
    phone: str
    name: str = ""
    desired: bool = True
    parked_status: str | None = None  # a needs-the-owner status, else None
    message: str | None = None


def parked(status: Status) -> str | None:
    return status.value if status in _PARKABLE else None


class SessionRegistry:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[SessionEntry]:
        """Read the list; a damaged file is kept aside and reported, never lost."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        try:
            data = json.loads(raw)
            entries = [self._entry(item) for item in data["sessions"]]
        except (ValueError, KeyError, TypeError) as exc:
            aside = self.path.with_name(self.path.name + ".damaged")
            self.path.replace(aside)
            logger.error(
                "the session list was unreadable (%s); kept it as %s and started empty. "
                "Your credentials are untouched: add the numbers again and they reconnect.",
                exc,
                aside,
            )
            return []
        return entries

    @staticmethod
    def _entry(item: dict[str, Any]) -> SessionEntry:
        phone = normalize_phone(item["phone"])
        status = item.get("parked_status")
        if status is not None and Status(status) not in _PARKABLE:
            status = None
        return SessionEntry(
            phone=phone,
            name=str(item.get("name", "")),
            desired=bool(item.get("desired", True)),
            parked_status=status,
            message=item.get("message") if isinstance(item.get("message"), str) else None,
        )

    def save(self, entries: list[SessionEntry]) -> None:
        payload = {"version": FORMAT_VERSION, "sessions": [asdict(e) for e in entries]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, json.dumps(payload, indent=2).encode("utf-8"))


__all__ = ["InvalidPhoneNumber", "SessionEntry", "SessionRegistry", "parked"]
