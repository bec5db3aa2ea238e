"""A number's history as a picture's data: spans of one kind, drops, markers, uptime.

Pure functions over recorded events (services/history.py keeps them on
disk); the window's timeline draws what `build_timeline` returns, so what
it shows is tested here without a screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from lila_desktop.core.status import Severity, Status, severity


class EventKind(StrEnum):
    STATUS = "status"  # the number changed status (`status`, and `reason`/`code` on a drop)
    BACKUP = "backup"  # a backup was taken (`detail`: its timestamp)
    RESTORE = "restore"  # a backup was put back (`detail`: its timestamp; `ok`)
    CLOSED = "closed"  # the app stopped: nothing is known until the next event


@dataclass(frozen=True)
class HistoryEvent:
    at: float
    phone: str
    kind: EventKind
    status: Status | None = None
    reason: str | None = None
    code: int | None = None
    detail: str | None = None
    ok: bool | None = None


class Band(StrEnum):
    """What a stretch of the uptime band shows (colour and pattern in the window)."""

    UP = "up"  # connected
    WORKING = "working"  # connecting, waiting for a scan, reconnecting by itself
    DOWN = "down"  # needs the owner
    IDLE = "idle"  # stopped on purpose
    OFF = "off"  # the app was not running: unknown
    NONE = "none"  # before anything was recorded for this number


@dataclass(frozen=True)
class Span:
    start: float
    end: float
    band: Band
    status: Status | None


@dataclass(frozen=True)
class Drop:
    """A connected number went down; `reason`/`code` say why (when known)."""

    at: float
    status: Status
    reason: str | None
    code: int | None


@dataclass(frozen=True)
class Timeline:
    start: float
    end: float
    spans: tuple[Span, ...]
    drops: tuple[Drop, ...]
    backups: tuple[HistoryEvent, ...]
    restores: tuple[HistoryEvent, ...]
    uptime: float | None  # connected share of the time it was meant to run, 0..1


_BAND = {
    Severity.OK: Band.UP,
    Severity.WORKING: Band.WORKING,
    Severity.ATTENTION: Band.DOWN,
    Severity.IDLE: Band.IDLE,
}


def band_of(status: Status | None, known: bool = True) -> Band:
    if status is None:
        return Band.OFF if known else Band.NONE
    return _BAND[severity(status)]


def build_timeline(events: Iterable[HistoryEvent], start: float, end: float) -> Timeline:
    """The picture of [start, end] from a number's events (any order, any age).

    The status in force at `start` is the last status before it, so a span
    that began yesterday still colours the left edge of today's band.
    """
    ordered = sorted(events, key=lambda e: e.at)
    # Uptime counts from the first connection: linking (waiting for the scan) is not
    # downtime, and a number that never connected has no uptime at all.
    first_up = next((e.at for e in ordered if e.status is Status.CONNECTED), None)
    spans: list[Span] = []
    drops: list[Drop] = []
    current: Status | None = None
    known = False  # anything recorded yet (before that: no history, not "not running")
    cursor = start

    def close_span(until: float) -> None:
        nonlocal cursor
        until = min(until, end)
        if until > cursor:
            band = band_of(current, known)
            if spans and spans[-1].band is band and spans[-1].status == current:
                spans[-1] = Span(spans[-1].start, until, band, current)
            else:
                spans.append(Span(cursor, until, band, current))
            cursor = until

    for event in ordered:
        if event.at > end:
            break
        if event.kind is EventKind.STATUS and event.status is not None:
            if event.at >= start:
                close_span(event.at)
                if current is Status.CONNECTED and _is_drop(event.status):
                    drops.append(Drop(event.at, event.status, event.reason, event.code))
            current, known = event.status, True
        elif event.kind is EventKind.CLOSED:
            if event.at >= start:
                close_span(event.at)
            current, known = None, True
    close_span(end)
    in_range = [e for e in ordered if start <= e.at <= end]
    return Timeline(
        start=start,
        end=end,
        spans=tuple(spans),
        drops=tuple(drops),
        backups=tuple(e for e in in_range if e.kind is EventKind.BACKUP),
        restores=tuple(e for e in in_range if e.kind is EventKind.RESTORE),
        uptime=uptime(spans, first_up) if first_up is not None and first_up <= end else None,
    )


def _is_drop(status: Status) -> bool:
    """Leaving `connected` for anything but a stop the owner asked for."""
    return status not in (Status.CONNECTED, Status.STOPPED)


def uptime(spans: Sequence[Span], since: float = float("-inf")) -> float | None:
    """Connected time over the time the number was meant to run (the app running,
    the number not stopped on purpose), from `since` on; None when there is none."""
    counted = [
        (max(s.start, since), s.end, s.band)
        for s in spans
        if s.end > since and s.band not in (Band.OFF, Band.IDLE, Band.NONE)
    ]
    wanted = sum(end - start for start, end, _ in counted)
    if wanted <= 0:
        return None
    return sum(end - start for start, end, band in counted if band is Band.UP) / wanted
