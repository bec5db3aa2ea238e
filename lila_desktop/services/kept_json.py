"""A small JSON file that is never lost: a last-good copy beside it, damage kept aside.

The session list and the settings are each one small file. Whatever happens
to it (torn, emptied, garbage, deleted, unreadable), the app must start with
the owner's values where any good copy still has them:

- every write goes to the file and then to `<stem>.last-good.json` (both
  atomic), and a good read refreshes a missing or stale copy;
- a file that cannot be used is renamed `<name>.<time>.damaged` (never
  deleted: the owner or support can still look at it), and the copy is read;
- `read()` says what happened as a `Damage`, so the caller tells the owner
  once (the damaged file is out of the way: the next start is clean).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from lila_desktop.services.vault.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)

T = TypeVar("T")

MISSING = "missing"
UNREADABLE = "unreadable"
EMPTY = "empty"
GARBAGE = "garbage"


@dataclass(frozen=True)
class Damage:
    """What was wrong with the file, where it was kept, and whether the copy served."""

    kind: str  # MISSING, UNREADABLE, EMPTY or GARBAGE
    detail: str
    aside: Path | None  # where the damaged file is now (None: nothing to keep)
    from_copy: bool  # the last-good copy supplied the values


class KeptJson(Generic[T]):
    def __init__(self, path: Path, parse: Callable[[Any], T]) -> None:
        """`parse` turns decoded JSON into the value; it raises ValueError/KeyError/TypeError."""
        self.path = path
        self.copy_path = path.with_name(f"{path.stem}.last-good{path.suffix}")
        self._parse = parse

    def read(self) -> tuple[T | None, Damage | None]:
        """The value (None: no good file at all) and the damage found (None: all well)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            copy = self._read_copy()
            if copy is None:
                return None, None  # a first start (or both gone: nothing to say here)
            return copy, Damage(MISSING, "the file was deleted", None, True)
        except OSError as exc:
            return self._damaged(UNREADABLE, exc.strerror or str(exc))
        if not raw.strip():
            return self._damaged(EMPTY, "the file is empty")
        try:
            value = self._parse(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
            return self._damaged(GARBAGE, str(exc) or type(exc).__name__)
        self._refresh_copy(raw)
        return value, None

    def write(self, data: bytes) -> None:
        """The file, then its copy; both atomic. Raises OSError (the file's own write)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, data)
        try:
            atomic_write_bytes(self.copy_path, data)
        except OSError as exc:  # the file itself is safe; the copy catches up next time
            logger.warning("could not refresh %s: %s", self.copy_path.name, exc)

    def _damaged(self, kind: str, detail: str) -> tuple[T | None, Damage]:
        aside = self.path.with_name(f"{self.path.name}.{time.strftime('%Y%m%d-%H%M%S')}.damaged")
        try:
            self.path.replace(aside)
        except OSError as exc:
            logger.error("could not move %s aside: %s", self.path, exc)
            aside = self.path
        copy = self._read_copy()
        return copy, Damage(kind, detail, aside, copy is not None)

    def _read_copy(self) -> T | None:
        try:
            return self._parse(json.loads(self.copy_path.read_bytes()))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("the last-good copy %s is not usable either: %s", self.copy_path, exc)
            return None

    def _refresh_copy(self, raw: bytes) -> None:
        try:
            if self.copy_path.read_bytes() == raw:
                return
        except OSError:
            pass
        try:
            atomic_write_bytes(self.copy_path, raw)
        except OSError as exc:
            logger.warning("could not refresh %s: %s", self.copy_path.name, exc)
