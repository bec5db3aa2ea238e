"""A number's history as the timeline's data: spans, drops, markers and uptime."""

from __future__ import annotations

import pytest

from lila_desktop.core.status import Status
from lila_desktop.core.timeline import Band, EventKind, HistoryEvent, build_timeline

P = "51911111111"


def status(
    at: float, s: Status, reason: str | None = None, code: int | None = None
) -> HistoryEvent:
    return HistoryEvent(at, P, EventKind.STATUS, s, reason, code)


DAY = [
    status(0, Status.CONNECTING),
    status(10, Status.CONNECTED),
    status(400, Status.RECONNECTING, "keepalive timeout", 408),
    status(460, Status.CONNECTED),
    HistoryEvent(500, P, EventKind.BACKUP),
    status(700, Status.STOPPED),  # the owner pressed Disconnect: not a drop
    status(800, Status.CONNECTING),
    status(810, Status.CONNECTED),
    HistoryEvent(900, P, EventKind.CLOSED),  # the app quit
    status(950, Status.CONNECTING),
    status(960, Status.CONNECTED),
    status(980, Status.LOGGED_OUT, "device removed", 401),
    HistoryEvent(990, P, EventKind.RESTORE, detail="t", ok=True),
]


def test_spans_cover_the_range_in_order_without_gaps() -> None:
    tl = build_timeline(reversed(DAY), 0, 1000)  # any order in
    assert tl.spans[0].start == 0 and tl.spans[-1].end == 1000
    for a, b in zip(tl.spans, tl.spans[1:], strict=False):
        assert a.end == b.start
    bands = [(s.start, s.end, s.band) for s in tl.spans]
    assert bands == [
        (0, 10, Band.WORKING),
        (10, 400, Band.UP),
        (400, 460, Band.WORKING),
        (460, 700, Band.UP),
        (700, 800, Band.IDLE),
        (800, 810, Band.WORKING),
        (810, 900, Band.UP),
        (900, 950, Band.OFF),
        (950, 960, Band.WORKING),
        (960, 980, Band.UP),
        (980, 1000, Band.DOWN),
    ]


def test_drops_are_the_unwanted_ends_of_a_connection_with_their_reason() -> None:
    tl = build_timeline(DAY, 0, 1000)
    assert [(d.at, d.status, d.code, d.reason) for d in tl.drops] == [
        (400, Status.RECONNECTING, 408, "keepalive timeout"),
        (980, Status.LOGGED_OUT, 401, "device removed"),
    ]  # not the stop at 700 (asked for), not the app quitting at 900
    assert [e.at for e in tl.backups] == [500]
    assert [e.at for e in tl.restores] == [990]


def test_uptime_counts_only_the_time_the_number_was_meant_to_run() -> None:
    tl = build_timeline(DAY, 0, 1000)
    up = (400 - 10) + (700 - 460) + (900 - 810) + (980 - 960)
    # From the first connection (linking is not downtime), minus stopped (700-800),
    # minus the app being off (900-950).
    wanted = 1000 - 10 - 100 - 50
    assert tl.uptime == pytest.approx(up / wanted)


def test_the_status_before_the_range_colours_its_left_edge() -> None:
    tl = build_timeline(DAY, 100, 300)
    assert [(s.start, s.end, s.band) for s in tl.spans] == [(100, 300, Band.UP)]
    assert tl.drops == () and tl.uptime == 1.0


def test_never_linked_has_no_uptime_and_no_history_is_unknown() -> None:
    waiting = [status(0, Status.CONNECTING), status(5, Status.QR)]
    assert build_timeline(waiting, 0, 100).uptime is None
    empty = build_timeline([], 0, 100)
    assert [(s.band, s.status) for s in empty.spans] == [(Band.NONE, None)]
    assert empty.uptime is None
    late = build_timeline([status(50, Status.CONNECTED)], 0, 100)
    assert [(s.end, s.band) for s in late.spans] == [(50, Band.NONE), (100, Band.UP)]
    assert late.uptime == 1.0  # it joined at 50 and has been connected since
