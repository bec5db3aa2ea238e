"""The list of sessions, kept in `<data_dir>/sessions.json` across restarts.

Only what must survive a restart is kept: the number, its name, whether the
owner wants it running, and a status that needs the owner (logged out,
failed, outdated, replaced) with its message (a code and parameters), so the
window still says what to do after a restart. Transient states are never
persisted.

No number ever disappears from the list: a last-good copy is kept beside it
(services/kept_json.py), and when the list is damaged or gone, every number
whose sealed store or backups are on disk comes back, named when the copy
knows it. `recovery` then says so, once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lila_desktop.core.messages import Code, Message
from lila_desktop.core.phone import InvalidPhoneNumber, normalize_phone
from lila_desktop.core.status import Status
from lila_desktop.services.kept_json import Damage, KeptJson
from lila_desktop.services.vault.layout import Layout

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
_PARKABLE = frozenset({Status.LOGGED_OUT, Status.FAILED, Status.OUTDATED, Status.REPLACED})


@dataclass(frozen=True)
class SessionEntry:
    phone: str
    name: str = ""
    desired: bool = True
    parked_status: str | None = None  # a needs-the-owner status, else None
    message: Message | None = None


def parked(status: Status) -> str | None:
    return status.value if status in _PARKABLE else None


class SessionRegistry:
    def __init__(self, path: Path, sessions_dir: Path | None = None) -> None:
        """`sessions_dir`: where the vault keeps stores and backups (default: beside the list)."""
        self.path = path
        self.sessions_dir = sessions_dir or path.parent / "sessions"
        self._file = KeptJson(path, _parse)
        self.recovery: Message | None = None  # set by load() when the list was rebuilt

    def load(self) -> list[SessionEntry]:
        """Read the list; when it is damaged or gone, rebuild it from the copy and the disk."""
        entries, damage = self._file.read()
        on_disk = self._numbers_on_disk()
        if damage is None and (entries is not None or not on_disk):
            return entries or []
        known = {e.phone: e for e in entries or []}
        for phone, has_store in on_disk.items():
            if phone not in known:
                # A store: its saved login reconnects by itself. Backups only: shown
                # stopped, so the owner can restore one or link again.
                known[phone] = SessionEntry(phone=phone, desired=has_store)
        result = sorted(known.values(), key=lambda e: e.phone)
        unnamed = sum(1 for e in result if not e.name)
        aside = damage.aside if damage is not None else None
        self.recovery = Message.of(
            Code.LIST_RECOVERED,
            count=len(result),
            unnamed=unnamed,
            aside=str(aside) if aside is not None else None,
        )
        logger.warning(
            "the session list was %s; %d number(s) brought back (%d without a name)%s",
            _what(damage),
            len(result),
            unnamed,
            f"; the damaged file is kept as {aside}" if aside is not None else "",
            extra={"event": "list_recovered", "count": len(result), "unnamed": unnamed},
        )
        if aside != self.path:  # never write over a file we could not move aside
            try:
                self.save(result)  # the next start reads a good list: the owner is told once
            except OSError as exc:
                logger.error("could not save the rebuilt session list: %s", exc)
        return result

    def _numbers_on_disk(self) -> dict[str, bool]:
        """Every number with a sealed store (True) or only backups (False)."""
        layout = Layout(self.sessions_dir.parent, self.sessions_dir.parent)
        found = dict.fromkeys(layout.backup_phones(), False)
        found.update(dict.fromkeys(layout.sealed_phones(), True))
        return found

    def save(self, entries: list[SessionEntry]) -> None:
        payload = {"version": FORMAT_VERSION, "sessions": [_dump(e) for e in entries]}
        self._file.write(json.dumps(payload, indent=2).encode("utf-8"))


def _what(damage: Damage | None) -> str:
    if damage is None:
        return "missing"
    return f"{damage.kind} ({damage.detail})" + (
        ", the last good copy used" if damage.from_copy else ""
    )


def _parse(data: Any) -> list[SessionEntry]:
    return [_entry(item) for item in data["sessions"]]


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
        message=Message.from_dict(item.get("message")),  # an older file's English: None
    )


def _dump(entry: SessionEntry) -> dict[str, Any]:
    data = asdict(entry)
    data["message"] = entry.message.to_dict() if entry.message is not None else None
    return data


__all__ = ["InvalidPhoneNumber", "SessionEntry", "SessionRegistry", "parked"]
