"""What neonize's events mean for the pool (`neonize_events.py`), in this process.

neonize's own event messages (its protobuf classes; no Go, see
`neonize_messages.py`) go through `SessionEvents`, the half of the neonize
client that reads them. The other half (Go, the connect) is tested in a child
process by `test_neonize_transport.py`, which mutation testing cannot see; these
tests are what guards the mapping there (bench/mutation.py, issue 12).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from lila_desktop.services.transports.neonize_events import (
    EARLY_DROP_MESSAGE,
    KEEPALIVE_LIMIT,
    LOGIN_STATUS_MESSAGES,
    SessionEvents,
    attrs,
    ban_expiry,
    failure_code,
    number,
    store_problem,
)
from tests.unit.services.neonize_messages import node, pb

PHONE = "51900000001"
HOUR = 3600


def transport(**timers: float) -> SimpleNamespace:
    """NeonizeTransport's timers (its module imports neonize); long unless given."""
    values = {
        "reconnect_grace": 60.0,
        "keepalive_limit": KEEPALIVE_LIMIT,
        "no_answer_timeout": 60.0,
        "qr_timeout": 60.0,
        **timers,
    }
    return SimpleNamespace(lingering=set(), **values)


class Session(SessionEvents):
    """SessionEvents with the state NeonizeClient keeps, recording what the pool hears.

    `stop()` does what NeonizeClient's does to this half: silent from then on,
    its timers cancelled.
    """

    def __init__(self, timers: SimpleNamespace, *, connected: bool = False) -> None:
        self.transport = timers
        self.phone = PHONE
        self.heard: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._sink = self._record
        self._loop = asyncio.get_running_loop()
        self._stopped = False
        self._down = False
        self._connected = connected
        self._answered = connected
        self._keepalive_reported = False
        self._grace_timer = None
        self._paired = connected
        self._setup_done = asyncio.Event()
        self._qr_seen = asyncio.Event()
        self._qr_timer = None
        self._answer_timer = None
        self.stops = 0

    def _record(self, event: str, **fields: Any) -> None:
        self.heard.append({"event": event, **fields})
        self._changed.set()

    async def stop(self) -> None:
        self._stopped = True
        self.stops += 1
        self._cancel_qr_timer()
        self._cancel_grace()

    def take(self) -> list[dict[str, Any]]:
        heard, self.heard = self.heard, []
        return heard

    async def hear(self) -> dict[str, Any]:
        """The next thing the pool hears (waits for it)."""
        async with asyncio.timeout(10):
            while not self.heard:
                self._changed.clear()
                await self._changed.wait()
        return self.take()[0]


def _failure(
    reason: int | None = None, raw: dict[str, str] | None = None, message: str = ""
) -> Any:
    fields: dict[str, Any] = {"Message": message, "Raw": node("failure", raw)}
    if reason is not None:
        fields["Reason"] = reason
    return pb.ConnectFailure(**fields)


def _logout(code: int, on_connect: bool = True) -> dict[str, Any]:
    return {"event": "logged_out", "code": code, "on_connect": on_connect}


def _cf(code: int | None, message: str) -> dict[str, Any]:
    return {"event": "connect_failure", "code": code, "message": message}


def _dc(code: int | None, reason: str) -> dict[str, Any]:
    return {"event": "disconnected", "code": code, "reason": reason}


# --- connect failures: neonize's reason (or the raw node's) -> what the pool hears


@pytest.mark.parametrize(
    ("event", "heard"),
    [
        (_failure(1, message="m"), _cf(400, "m")),
        (_failure(2), _logout(401)),
        (_failure(3), {"event": "temp_ban", "code": 402, "expire": None}),
        (_failure(4), _logout(403)),
        (_failure(5), _logout(406)),
        (_failure(6), {"event": "outdated"}),
        (_failure(7), {"event": "outdated"}),  # a bad user agent: an update fixes it too
        (_failure(8, message="m"), _cf(500, "m")),
        (_failure(9, message="m"), _cf(501, "m")),
        (_failure(10, message="m"), _cf(503, "m")),
        # A code neonize has no name for: only the raw node says it.
        (_failure(raw={"reason": "418"}), _cf(418, "connect failure 418")),
        (_failure(raw={"reason": "401"}), _logout(401)),
        (_failure(raw={"reason": "405"}), {"event": "outdated"}),
        (_failure(raw={"reason": " 503 "}, message="later"), _cf(503, "later")),
        (_failure(raw={"reason": "soon"}), _cf(None, "connect failure without a code")),
        (_failure(), _cf(None, "connect failure without a code")),
        # The enum wins over the raw node when neonize knows the code.
        (_failure(8, raw={"reason": "401"}, message="m"), _cf(500, "m")),
    ],
)
@pytest.mark.asyncio
async def test_a_connect_failure_is_told_by_its_code(event: Any, heard: dict[str, Any]) -> None:
    session = Session(transport())
    session._on_connect_failure(event)
    assert session.take() == [heard]
    assert session._down and session._answered and not session._connected
    session._on_disconnected(pb.Disconnected())  # the socket closing after it
    session._on_stream_error(pb.StreamError(Code="515", Raw=node("stream:error")))
    assert session.take() == []  # the same end, told once


@pytest.mark.asyncio
async def test_a_temp_ban_from_the_raw_node_keeps_its_expiry() -> None:
    session = Session(transport())
    before = time.time()
    session._on_connect_failure(_failure(raw={"reason": "402", "expire": "600"}))
    after = time.time()
    (heard,) = session.take()
    assert heard["event"] == "temp_ban" and heard["code"] == 402
    assert before + 600 <= heard["expire"] <= after + 600


# --- the events of a paired session


@pytest.mark.asyncio
async def test_a_temporary_ban_carries_whatsapps_end_or_none() -> None:
    session = Session(transport(), connected=True)
    before = time.time()
    session._on_temporary_ban(pb.TemporaryBan(Code=pb.TemporaryBan.BLOCKED_BY_USERS, Expire=HOUR))
    after = time.time()
    (heard,) = session.take()
    assert heard["event"] == "temp_ban" and heard["code"] == 402
    assert before + HOUR <= heard["expire"] <= after + HOUR
    session = Session(transport(), connected=True)
    session._on_temporary_ban(pb.TemporaryBan(Code=pb.TemporaryBan.BROADCAST_LIST, Expire=0))
    assert session.take() == [{"event": "temp_ban", "code": 402, "expire": None}]
    assert session._down and not session._connected


@pytest.mark.parametrize(
    ("event", "heard"),
    [
        (pb.LoggedOut(OnConnect=True, Reason=4), _logout(403)),
        (pb.LoggedOut(OnConnect=False, Reason=2), _logout(401, on_connect=False)),
        (pb.LoggedOut(OnConnect=True, Reason=5), _logout(406)),
        # Not a logout code, or none at all: still a logout, as 401.
        (pb.LoggedOut(OnConnect=True, Reason=8), _logout(401)),
        (pb.LoggedOut(OnConnect=False), _logout(401, on_connect=False)),
    ],
)
@pytest.mark.asyncio
async def test_a_logout_keeps_its_code_when_it_is_a_logout_code(
    event: Any, heard: dict[str, Any]
) -> None:
    session = Session(transport(), connected=True)
    session._on_logged_out(event)
    assert session.take() == [heard]
    assert session._down and not session._connected


@pytest.mark.parametrize(
    ("code", "heard"),
    [
        ("515", _dc(515, "stream error 515")),
        (" 503 ", _dc(503, "stream error 503")),
        ("xml-not-well-formed", _dc(None, "stream error xml-not-well-formed")),
        ("", _dc(None, "stream error without a code")),
    ],
)
@pytest.mark.asyncio
async def test_a_stream_error_is_a_drop_with_its_code(code: str, heard: dict[str, Any]) -> None:
    session = Session(transport(), connected=True)
    session._on_stream_error(pb.StreamError(Code=code, Raw=node("stream:error")))
    assert session.take() == [heard]
    assert session._down and not session._connected


@pytest.mark.asyncio
async def test_a_stream_error_with_a_replaced_conflict_is_replaced() -> None:
    session = Session(transport(), connected=True)
    raw = node("stream:error", nodes=[node("ack"), node("conflict", {"type": "replaced"})])
    session._on_stream_error(pb.StreamError(Code="", Raw=raw))
    assert session.take() == [{"event": "replaced"}]
    # A conflict of another kind is a plain drop.
    session = Session(transport(), connected=True)
    raw = node("stream:error", nodes=[node("conflict", {"type": "device_removed"})])
    session._on_stream_error(pb.StreamError(Code="", Raw=raw))
    assert session.take() == [_dc(None, "stream error without a code")]
    # `type` on another child is not a conflict.
    session = Session(transport(), connected=True)
    raw = node("stream:error", nodes=[node("item", {"type": "replaced"})])
    session._on_stream_error(pb.StreamError(Code="409", Raw=raw))
    assert session.take() == [_dc(409, "stream error 409")]


@pytest.mark.asyncio
async def test_keep_alive_misses_are_one_drop_until_restored() -> None:
    session = Session(transport(keepalive_limit=HOUR), connected=True)
    now = time.time()
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=1, LastSuccess=int(now) - 60))
    assert session.take() == [] and not session._down  # whatsmeow keeps trying
    long_ago = int(now) - HOUR - 60
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=2, LastSuccess=long_ago))
    assert session.take() == [_dc(408, "keep-alive timeout")]
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=3, LastSuccess=long_ago))
    session._on_disconnected(pb.Disconnected())
    assert session.take() == []  # the same drop
    session._on_keepalive_restored(pb.KeepAliveRestored())
    assert session.take() == []  # the pool is already replacing this client: no `connected`
    assert not session._down and not session._keepalive_reported
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=1, LastSuccess=long_ago))
    assert session.take() == [_dc(408, "keep-alive timeout")]


@pytest.mark.asyncio
async def test_a_keep_alive_report_is_armed_once_per_silence() -> None:
    # A drop told by another event already: the keep-alive adds nothing, even later.
    session = Session(transport(keepalive_limit=0.0), connected=True)
    session._on_stream_error(pb.StreamError(Code="515", Raw=node("stream:error")))
    session.take()
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=1, LastSuccess=1))
    assert session.take() == []
    assert session._keepalive_reported  # and it will not be told after a reconnect either
    session._on_connected(pb.Connected())
    assert session.take() == [{"event": "connected"}]
    assert not session._keepalive_reported and not session._down


@pytest.mark.asyncio
async def test_a_drop_of_a_connected_session_waits_for_whatsmeows_own_reconnect() -> None:
    session = Session(transport(), connected=True)
    session._on_disconnected(pb.Disconnected())
    assert session.take() == [] and session._grace_timer is not None
    timer = session._grace_timer
    session._on_disconnected(pb.Disconnected())
    assert session._grace_timer is timer  # one grace per drop
    session._on_connected(pb.Connected())  # whatsmeow reconnected within the grace
    assert session.take() == [] and session._grace_timer is None
    await asyncio.gather(timer, return_exceptions=True)
    assert timer.cancelled() and session._connected and not session._down


@pytest.mark.asyncio
async def test_a_drop_not_mended_within_the_grace_is_told() -> None:
    session = Session(transport(reconnect_grace=0.0), connected=True)
    session._on_disconnected(pb.Disconnected())
    assert await session.hear() == _dc(None, "connection lost")
    assert session._grace_timer is None and session._down and not session._connected
    session._on_connected(pb.Connected())
    assert session.take() == [{"event": "connected"}]  # told, so the recovery is told too


@pytest.mark.asyncio
async def test_a_drop_before_any_connection_is_told_at_once() -> None:
    session = Session(transport())
    session._on_disconnected(pb.Disconnected())
    assert session.take() == [_dc(None, "connection lost")] and session._grace_timer is None
    session = Session(transport(), connected=True)
    session._loop = None  # no loop to wait on
    session._on_disconnected(pb.Disconnected())
    assert session.take() == [_dc(None, "connection lost")]


@pytest.mark.asyncio
async def test_a_grace_that_ends_after_stop_is_silent() -> None:
    session = Session(transport(reconnect_grace=0.0), connected=True)
    session._on_disconnected(pb.Disconnected())
    timer = session._grace_timer
    assert timer is not None
    session._stopped = True  # stop() from another path, the timer left running
    await timer
    assert session.take() == [] and session._grace_timer is None


@pytest.mark.asyncio
async def test_connected_is_told_and_clears_the_drop() -> None:
    session = Session(transport())
    session._on_connect_failure(_failure(10, message="busy"))
    session.take()
    session._on_connected(pb.Connected())
    assert session.take() == [{"event": "connected"}]
    assert session._connected and session._answered and not session._down


# --- what reaches the sink


@pytest.mark.asyncio
async def test_nothing_is_told_after_stop(caplog: pytest.LogCaptureFixture) -> None:
    session = Session(transport(), connected=True)
    await session.stop()
    session._on_logged_out(pb.LoggedOut(OnConnect=True, Reason=4))
    session._on_connected(pb.Connected())
    assert session.take() == []


@pytest.mark.asyncio
async def test_a_failing_sink_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    session = Session(transport())

    def broken(event: str, **fields: Any) -> None:
        raise RuntimeError("the pool is gone")

    session._sink = broken
    with caplog.at_level(logging.ERROR):
        session._on_connected(pb.Connected())
    [record] = caplog.records
    assert record.getMessage() == "the sink failed on connected"
    assert "the pool is gone" in caplog.text  # with its traceback


# --- before pairing: login statuses, our own timers


@pytest.mark.parametrize("status", sorted(LOGIN_STATUS_MESSAGES))
@pytest.mark.asyncio
async def test_a_link_that_ends_in_an_error_says_why(status: str) -> None:
    session = Session(transport())
    session._on_login_status(status)
    assert session.take() == [_cf(None, LOGIN_STATUS_MESSAGES[status])]
    assert session._setup_done.is_set() and session._down


@pytest.mark.asyncio
async def test_login_statuses_outdated_unknown_and_success() -> None:
    session = Session(transport())
    session._on_login_status("err-client-outdated")
    assert session.take() == [{"event": "outdated"}]
    session = Session(transport())
    session._on_login_status("err-something-new")
    assert session.take() == [_cf(None, "the link attempt ended (err-something-new)")]
    session = Session(transport())
    session._on_login_status("success")
    assert session.take() == [] and session._setup_done.is_set() and not session._down


@pytest.mark.asyncio
async def test_a_login_status_after_pairing_or_stop_changes_nothing() -> None:
    paired = Session(transport())
    paired._paired = True
    stopped = Session(transport())
    stopped._stopped = True
    for session in (paired, stopped):
        session._on_login_status("error")
        session._on_login_status("timeout")
        assert session._setup_done.is_set()  # Go is past its set-up all the same
        assert session.take() == [] and session._qr_timer is None and session.stops == 0


@pytest.mark.asyncio
async def test_the_qr_channel_timing_out_expires_the_codes_now() -> None:
    session = Session(transport())
    session._qr_seen.set()  # codes were shown
    old_timer = asyncio.get_running_loop().create_task(asyncio.sleep(HOUR))
    session._qr_timer = old_timer  # our own expiry, far off
    session._on_login_status("timeout")
    assert await session.hear() == {"event": "qr_expired"}
    assert old_timer.cancelled() and session.stops == 1


@pytest.mark.asyncio
async def test_the_qr_channel_timing_out_before_any_code_is_an_early_drop() -> None:
    session = Session(transport())
    session._on_login_status("timeout")
    assert session.take() == [_cf(None, EARLY_DROP_MESSAGE)]
    assert session.stops == 0 and session._qr_timer is None and session._down


@pytest.mark.asyncio
async def test_our_qr_expiry_stops_an_unscanned_link() -> None:
    session = Session(transport(qr_timeout=0.0))
    timer = asyncio.get_running_loop().create_task(session._expire_qr())
    session._qr_timer = timer
    await timer  # its own stop() must not trip over the timer running it
    assert session.take() == [{"event": "qr_expired"}]
    assert session.stops == 1 and session._qr_timer is None and session._down


@pytest.mark.parametrize("state", ["_paired", "_connected", "_stopped"])
@pytest.mark.asyncio
async def test_a_qr_expiry_after_scan_connection_or_stop_does_nothing(state: str) -> None:
    session = Session(transport(qr_timeout=0.0))
    setattr(session, state, True)
    await session._expire_qr()
    assert session.take() == [] and session.stops == 0 and not session._down


@pytest.mark.asyncio
async def test_silence_before_pairing_is_told_as_a_connect_failure() -> None:
    session = Session(transport(no_answer_timeout=0.01))
    session._answer_timer = asyncio.get_running_loop().create_task(session._expect_an_answer())
    assert await session.hear() == _cf(
        None, "WhatsApp did not answer within 0.01 s (no QR code, no connection)"
    )
    assert session._answer_timer is None and session._down


@pytest.mark.parametrize("state", ["_answered", "_stopped"])
@pytest.mark.asyncio
async def test_an_answer_or_a_stop_ends_the_wait_quietly(state: str) -> None:
    session = Session(transport(no_answer_timeout=0.0))
    setattr(session, state, True)
    await session._expect_an_answer()
    assert session.take() == [] and not session._down


# --- Go's threads and the connect task


@pytest.mark.asyncio
async def test_a_callback_from_gos_thread_runs_on_the_loop() -> None:
    session = Session(transport())
    loop_thread = threading.get_ident()
    ran_on: list[int] = []
    done = asyncio.Event()

    def callback() -> None:
        ran_on.append(threading.get_ident())
        done.set()

    await asyncio.to_thread(session._from_go, callback)
    async with asyncio.timeout(10):
        await done.wait()
    assert ran_on == [loop_thread]


@pytest.mark.asyncio
async def test_a_callback_without_a_running_loop_is_dropped() -> None:
    session = Session(transport())
    ran: list[str] = []
    session._loop = None
    session._from_go(lambda: ran.append("no loop"))
    closed = asyncio.new_event_loop()
    closed.close()
    session._loop = closed
    session._from_go(lambda: ran.append("closed loop"))
    assert ran == []


class _ClosingLoop(asyncio.SelectorEventLoop):
    """A loop closed between `_from_go`'s check and its call (the engine exiting)."""

    racing = False

    def is_closed(self) -> bool:
        return False if self.racing else super().is_closed()


def test_a_callback_racing_the_loops_close_is_dropped() -> None:
    loop = _ClosingLoop()
    loop.close()
    session = Session.__new__(Session)
    session._loop = loop
    ran: list[str] = []
    loop.racing = True
    try:
        session._from_go(lambda: ran.append("late"))  # Go's thread must not see the error
    finally:
        loop.racing = False
    assert ran == []


@pytest.mark.asyncio
async def test_the_log_says_what_go_reported(caplog: pytest.LogCaptureFixture) -> None:
    """The log is support's only view of Go's events: each line names the number."""
    caplog.set_level(logging.DEBUG, logger="lila_desktop.services.transports.neonize_transport")
    session = Session(transport(keepalive_limit=HOUR), connected=True)
    session._on_disconnected(pb.Disconnected())
    session._on_connected(pb.Connected())
    long_ago = int(time.time()) - 2 * HOUR
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=1, LastSuccess=int(time.time())))
    session._on_keepalive_timeout(pb.KeepAliveTimeout(ErrorCount=4, LastSuccess=long_ago))
    session._on_keepalive_restored(pb.KeepAliveRestored())
    session._on_temporary_ban(pb.TemporaryBan(Code=pb.TemporaryBan.BLOCKED_BY_USERS, Expire=0))
    session._drop(None, "connection lost")  # the socket closing after the ban
    linking = Session(transport(qr_timeout=0.0))
    linking._on_login_status("err-unexpected-state")
    await Session(transport(qr_timeout=0.0))._qr_ran_out()
    assert [r.getMessage() for r in caplog.records] == [
        f"{PHONE}: whatsmeow reconnected by itself",
        f"{PHONE}: keep-alive missed (1 in a row)",
        f"{PHONE}: keep-alive failed (4 in a row)",
        f"{PHONE}: keep-alive restored",
        f"{PHONE}: temporary ban (reason 2)",
        f"{PHONE}: connection lost is part of a drop already reported",
        f"{PHONE}: the link attempt ended: err-unexpected-state",
        f"the QR codes of {PHONE} expired unscanned",
    ]
    assert [r.levelname for r in caplog.records].count("WARNING") == 1


@pytest.mark.asyncio
async def test_the_log_says_when_go_stayed_silent(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="lila_desktop.services.transports.neonize_transport")
    await Session(transport(no_answer_timeout=0.01))._expect_an_answer()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"{PHONE}: no QR code and no connection after 0.01 s")
    ]


@pytest.mark.asyncio
async def test_the_end_of_the_connect_task_ends_the_set_up_and_the_lingering() -> None:
    timers = transport()
    session = Session(timers)
    other = Session(timers)
    timers.lingering.update({session, other})
    task = asyncio.get_running_loop().create_task(asyncio.sleep(0))
    await task
    session._task_ended(task)
    assert session._setup_done.is_set() and timers.lingering == {other}


# --- the helpers


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("file is not a database", "file is not a database"),
        (
            "failed to upgrade database: database disk image is malformed",
            "database disk image is malformed",
        ),
        (
            "failed to check if foreign keys are enabled: Unsupported File Format",
            "Unsupported File Format",
        ),
        ("failed to upgrade database: UPGRADE DATABASE to v9", "UPGRADE DATABASE to v9"),
        ("database is locked", None),  # busy: retried, never quarantined
        ("database table is locked: not a database", None),
        ("resource busy while the file is not a database", None),
        ("dial tcp: lookup web.whatsapp.com: no such host", None),
    ],
)
def test_store_problem_names_an_unusable_store_only(message: str, reason: str | None) -> None:
    assert store_problem(message) == reason


def test_a_store_problem_is_cut_at_200_characters() -> None:
    long = "not a database " + "x" * 400
    assert store_problem(long) == long[:200]


def test_failure_code_reads_the_enum_then_the_raw_reason() -> None:
    assert failure_code(_failure(10)) == 503
    assert failure_code(_failure(raw={"reason": "429"})) == 429
    assert failure_code(_failure(raw={"other": "429"})) is None


def test_attrs_reads_every_kind_of_value() -> None:
    raw = pb.Node(
        Tag="failure",
        Attrs=[
            pb.NodeAttrs(name="reason", integer=503),
            pb.NodeAttrs(name="location", text="frc"),
            pb.NodeAttrs(name="ok", boolean=True),
            pb.NodeAttrs(name="empty"),
        ],
    )
    assert attrs(raw) == {"reason": 503, "location": "frc", "ok": True, "empty": ""}
    assert failure_code(pb.ConnectFailure(Raw=raw)) == 503


@pytest.mark.parametrize(
    ("value", "expected"),
    [(401, 401), ("402", 402), (" 7 ", 7), ("4o2", None), ("", None), (None, None), (4.0, None)],
)
def test_number(value: Any, expected: int | None) -> None:
    assert number(value) == expected


def test_ban_expiry_is_none_without_a_duration() -> None:
    before = time.time()
    expiry = ban_expiry(60)
    assert expiry is not None and before + 60 <= expiry <= time.time() + 60
    assert ban_expiry(0) is None and ban_expiry(-5) is None
    one = ban_expiry(1)
    assert one is not None and before + 1 <= one
