"""What the campaign may forgive: the faults that legitimately need the owner,
and the logged exceptions an injected fault explains. Everything else is a
violation (issue 12: a lost number is never a note).

Kept pure so the rules themselves are tested without an app
(tests/chaos/test_verdicts.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from typing import Any

# A status that waits for the owner (scan, restore, take over, update, connect).
NEEDS_OWNER = frozenset({"qr", "logged_out", "failed", "replaced", "outdated", "stopped"})
# The owner restores these from a backup; the others get Connect pressed.
RESTORED = frozenset({"logged_out", "failed"})

# status -> the injected fault that legitimately leaves a number in it.
_CAUSES: dict[str, str] = {
    "logged_out": "logout",
    "failed": "corrupt_store",
    "outdated": "outdated",
}
# A first 'replaced' is retried by the app itself; only a second one before
# the connection is stable again parks the number for the owner. At the
# campaign's scale (retry 1.5 s, stable after 3 s, faults 0-0.3 s apart) two
# 'replaced' faults that close are a loop the app must not fight.
REPLACED_PAIR_S = 10.0

# A logged exception is explained when the fault that was injected says so.
_EXPLAINED: dict[str, tuple[str, ...]] = {
    "disk_full": ("No space left on device", "ENOSPC", "[Errno 28]", "DiskFull"),
    # A scribbled live store cannot be backed up or sealed until it is set aside.
    "corrupt_store": ("StoreUnreadable", "StoreCorrupt", "malformed"),
}


def legitimate_cause(
    status: str, history: Sequence[str], replaced_at: Sequence[float]
) -> str | None:
    """The fault that explains `status` needing the owner, or None (a violation).

    `history`: the faults aimed at this number since it was last seen
    connected; `replaced_at`: when it took 'replaced' faults (monotonic
    seconds) since the owner last took it over, across restarts of the app
    (a parked 'replaced' is remembered). A QR or a lasting 'stopped' is never
    legitimate: the campaign never unlinks a number, and Lila never parks one
    as stopped by itself.
    """
    if status == "replaced":
        pairs = itertools.pairwise(replaced_at)
        return "replaced x2" if any(b - a <= REPLACED_PAIR_S for a, b in pairs) else None
    cause = _CAUSES.get(status)
    return cause if cause is not None and cause in history else None


def explaining_fault(line: dict[str, Any], faults_in_life: Collection[str]) -> str | None:
    """The injected fault that explains a logged exception, or None (a violation)."""
    text = f"{line.get('msg')} {line.get('exc')}"
    for fault, marks in _EXPLAINED.items():
        if fault in faults_in_life and any(mark in text for mark in marks):
            return fault
    return None


def logged_exceptions(lines: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Log lines of exceptions the product caught and logged (they carry a traceback)."""
    return [ln for ln in lines if ln.get("exc") and ln.get("level")]


def exception_key(line: dict[str, Any]) -> str:
    """A short, stable name for a logged exception: its message and last traceback line."""
    last = str(line.get("exc")).strip().splitlines()[-1:] or [""]
    return f"{str(line.get('msg'))[:60]} | {last[0][:80]}"
