"""Backup names, timestamps and the retention rule (PRODUCT.md §2), pure.

A backup of a session lives at `sessions/backups/<phone>/creds-<ts>.lila`,
with `<ts>` the UTC time in the seed's format, `2026-01-28T12-30-45-123Z`.
Timestamps arrive from the local API and the UI, so they are parsed with a
strict ASCII-only regex *and* a real calendar check before any path is built
from them: nothing but 24 known characters can ever reach the file system.

Files set aside (a corrupt store, what remained at a reset) use another
prefix so that they are never listed, restored or rotated away as backups.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

BACKUP_PREFIX: Final = "creds-"
BACKUP_SUFFIX: Final = ".lila"
ASIDE_KINDS: Final = frozenset({"corrupt", "reset"})
DEFAULT_KEEP: Final = 5
# Files set aside are kept this many per kind and number, newest first: enough
# to restore a credential thrown out by mistake or to see what went wrong,
# without a number that keeps failing filling the disk (the long chaos
# campaign filled 48 MB this way, then the app could not start).
ASIDE_KEEP: Final = 10
MAX_REASON_SLUG: Final = 40

# [0-9], not \d: \d also matches other scripts' digits ("٣"). fullmatch, not
# "$": "$" accepts a trailing newline.
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{3}Z")
_BACKUP_NAME = re.compile(
    re.escape(BACKUP_PREFIX) + "(" + _TIMESTAMP.pattern + ")" + re.escape(BACKUP_SUFFIX)
)
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_ASIDE_NAME = re.compile(
    "("
    + "|".join(sorted(ASIDE_KINDS))
    + ")-("
    + _TIMESTAMP.pattern
    + ")-[a-z0-9-]*"
    + re.escape(BACKUP_SUFFIX)
)


class InvalidBackupTimestamp(ValueError):
    """A backup timestamp that is not of the form 2026-01-28T12-30-45-123Z."""


def format_timestamp(epoch: float) -> str:
    """UTC time with milliseconds, e.g. 1769603445.123 -> '2026-01-28T12-30-45-123Z'."""
    millis = round(epoch * 1000)
    moment = datetime.fromtimestamp(millis // 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H-%M-%S-") + f"{millis % 1000:03d}Z"


def parse_timestamp(text: object) -> float:
    """Return the epoch seconds of a backup timestamp, or raise InvalidBackupTimestamp.

    Only the exact format is accepted (no spaces, no path characters, no
    other digits than ASCII) and it must name a real moment (no 2026-02-30).
    """
    example = "e.g. 2026-01-28T12-30-45-123Z (UTC, as listed with the backups)"
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        shown = repr(text)[:60]
        raise InvalidBackupTimestamp(f"{shown} is not a backup timestamp; use the form {example}.")
    try:
        moment = datetime.strptime(text[:19], "%Y-%m-%dT%H-%M-%S").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidBackupTimestamp(
            f"{text!r} is not a real date and time; use the form {example}."
        ) from None
    return moment.timestamp() + int(text[20:23]) / 1000


def is_timestamp(text: object) -> bool:
    try:
        parse_timestamp(text)
    except InvalidBackupTimestamp:
        return False
    return True


def backup_file_name(timestamp: str) -> str:
    """`creds-<ts>.lila`; the timestamp is validated again (defence in depth)."""
    parse_timestamp(timestamp)
    return f"{BACKUP_PREFIX}{timestamp}{BACKUP_SUFFIX}"


def parse_backup_file_name(name: str) -> str | None:
    """The timestamp of a backup file name, or None for anything else (temp files too)."""
    match = _BACKUP_NAME.fullmatch(name)
    if match is None or not is_timestamp(match.group(1)):
        return None
    return match.group(1)


def reason_slug(reason: str) -> str:
    """A file-name-safe form of a free-text reason: lowercase ASCII words and dashes."""
    slug = _SLUG_JUNK.sub("-", reason.lower()).strip("-")
    return slug[:MAX_REASON_SLUG].rstrip("-") or "unknown"


def aside_file_name(kind: str, timestamp: str, reason: str) -> str:
    """Name of a file set aside, e.g. `corrupt-2026-01-28T12-30-45-123Z-bad-mac.lila`."""
    if kind not in ASIDE_KINDS:
        raise ValueError(f"unknown kind of file set aside: {kind!r}")
    parse_timestamp(timestamp)
    return f"{kind}-{timestamp}-{reason_slug(reason)}{BACKUP_SUFFIX}"


def next_timestamp(now: float, existing: Collection[str]) -> str:
    """A timestamp for a new file: now, but strictly after every existing one.

    Names then sort in creation order even if two backups fall in the same
    millisecond or the wall clock steps back (NTP, a manual change).
    """
    floor = max((parse_timestamp(ts) for ts in existing), default=None)
    moment = now if floor is None else max(now, floor + 0.001)
    candidate = format_timestamp(moment)
    while candidate in existing or (floor is not None and parse_timestamp(candidate) <= floor):
        moment += 0.001
        candidate = format_timestamp(moment)
    return candidate


@dataclass(frozen=True)
class RetentionEntry:
    timestamp: str
    connected: bool


def backups_to_delete(
    backups: Sequence[RetentionEntry], keep: int, protected: Collection[str] = ()
) -> list[str]:
    """Timestamps of the backups to rotate away, oldest first.

    Keeps the newest `keep` backups and, in addition, the newest one taken
    while connected (the last state WhatsApp is known to have accepted), and
    every timestamp in `protected` (e.g. the backup being restored right now).
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1 backup, got {keep}")
    newest_first = sorted(backups, key=lambda b: parse_timestamp(b.timestamp), reverse=True)
    kept = {b.timestamp for b in newest_first[:keep]}
    newest_connected = next((b for b in newest_first if b.connected), None)
    if newest_connected is not None:
        kept.add(newest_connected.timestamp)
    kept.update(protected)
    return [b.timestamp for b in reversed(newest_first) if b.timestamp not in kept]


def asides_to_delete(names: Collection[str], keep: int = ASIDE_KEEP) -> list[str]:
    """Names of files set aside to delete: all but the newest `keep` of each kind.

    Names that are not files set aside (backups, anything else) are never chosen.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1 file, got {keep}")
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        match = _ASIDE_NAME.fullmatch(name)
        if match is not None:
            by_kind.setdefault(match.group(1), []).append((match.group(2), name))
    doomed: list[str] = []
    for found in by_kind.values():
        found.sort(reverse=True)  # the timestamp format sorts as time does
        doomed += [name for _, name in found[keep:]]
    return sorted(doomed)
