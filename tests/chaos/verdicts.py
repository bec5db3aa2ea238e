"""What the campaign may forgive: the faults that legitimately need the owner,
and the logged exceptions an injected fault explains. Everything else is a
violation (issue 12: a lost number is never a note).

Kept pure so the rules themselves are tested without an app
(tests/chaos/test_verdicts.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
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
# A logged exception is explained when the fault that was injected says so.
_EXPLAINED: dict[str, tuple[str, ...]] = {
    "disk_full": ("No space left on device", "ENOSPC", "[Errno 28]", "DiskFull"),
    # A scribbled live store cannot be backed up or sealed until it is set aside.
    "corrupt_store": ("StoreUnreadable", "StoreCorrupt", "malformed"),
}


@dataclass
class ReplacedTrail:
    """One number's story since the owner last started it (Connect or a
    restore), across restarts of the app (a parked 'replaced' is remembered).
    Wall-clock seconds, the clock of the app's log lines."""

    faults: list[float] = field(default_factory=list)  # 'replaced' faults aimed at it
    statuses: list[tuple[float, str]] = field(default_factory=list)  # (ts, status), the app's log
    restarts: list[float] = field(default_factory=list)  # the policy's count began again

    def with_statuses(self, more: Sequence[tuple[float, str]]) -> ReplacedTrail:
        return ReplacedTrail(self.faults, [*self.statuses, *more], self.restarts)


def status_lines(lines: Sequence[dict[str, Any]], phone: str) -> list[tuple[float, str]]:
    """A number's statuses, from the app's JSON log lines."""
    return [
        (float(ln["ts"]), str(ln["status"]))
        for ln in lines
        if ln.get("event") == "status" and ln.get("phone") == phone and "ts" in ln
    ]


def _stable_between(trail: ReplacedTrail, a: float, b: float, stable_after: float) -> bool:
    """A connection that came up after `a` and lasted `stable_after` before it
    ended (or before `b`): the policy's counters start again (policy._stable)."""
    ends = [t for t, _ in trail.statuses[1:]] + [b]
    for (start, status), end in zip(trail.statuses, ends, strict=True):
        if status == "connected" and a < start < b and end - start >= stable_after:
            return True
    return False


def replaced_twice(trail: ReplacedTrail, stable_after: float) -> bool:
    """The policy's rule (core/policy.py, StreamReplaced): a second 'replaced'
    before the connection has been stable again parks the number; a first one
    is retried by the app itself. `stable_after`: PolicyConfig.stable_after."""
    for a, b in itertools.pairwise(sorted(trail.faults)):
        if any(a < r <= b for r in trail.restarts):
            continue  # the app (or the owner) started it again: a new count
        if not _stable_between(trail, a, b, stable_after):
            return True
    return False


def legitimate_cause(
    status: str, history: Sequence[str], trail: ReplacedTrail, stable_after: float
) -> str | None:
    """The fault that explains `status` needing the owner, or None (a violation).

    `history`: the faults aimed at this number since it was last seen
    connected; `trail`: its 'replaced' faults and connections (see
    replaced_twice). A QR or a lasting 'stopped' is never legitimate: the
    campaign never unlinks a number, and Lila never parks one as stopped by
    itself.
    """
    if status == "replaced":
        return "replaced x2" if replaced_twice(trail, stable_after) else None
    cause = _CAUSES.get(status)
    return cause if cause is not None and cause in history else None


def presses_allowed(status: str, history: Sequence[str]) -> int:
    """How often the owner may be asked again for the same status in one
    settle: once, or once per injected fault that explains it. Two 'outdated'
    faults on either side of a kill of the whole app are two refusals: each
    life of the app meets a fresh simulated server (LILA_SIM_STATE outlives
    only engine crashes), unlike WhatsApp's servers, which remember."""
    fault = _CAUSES.get(status)
    if fault is None:
        return 1
    return max(1, sum(1 for f in history if f == fault))


def restore_answer(
    body: Any, history: Sequence[str], trail: ReplacedTrail, stable_after: float
) -> tuple[bool, str | None]:
    """Whether the owner's restore was answered right, and the need it met instead.

    Accepted; or not accepted for another need that a fault explains (a 405 at
    the restored login after an 'outdated' fault: update the app) and said as
    such. A logout or an unreadable store after a restore is a loss, and so is
    telling the owner their linked device was removed.
    """
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return False, None
    if data.get("accepted"):
        return True, None
    after = str(data.get("status"))
    cause = legitimate_cause(after, history, trail, stable_after)
    if after in RESTORED or cause is None or "removed" in str(body.get("message")):
        return False, None  # the removal wording: the owner would unlink a linked device
    return True, f"{after} after {cause}"


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
