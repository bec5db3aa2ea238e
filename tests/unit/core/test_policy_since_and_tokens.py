"""Two promises the full mutation run of policy.py found open (issue 12).

- A number is in its status *since* the event that put it there: the window
  shows "connecting since", "QR since", "reconnecting since".
- Leaving a status spends its timers: a retry or grace timer armed before a
  stop, a start or a connection never acts afterwards.
"""

from __future__ import annotations

import pytest

from tests.unit.core.policy_support import (
    STATES,
    T0,
    ClientOutdated,
    Code,
    Connected,
    Disconnected,
    EngineDied,
    Event,
    GraceExpired,
    LoggedOut,
    Message,
    NetworkDown,
    NetworkUp,
    NoticeKind,
    PairCodeIssued,
    Paired,
    PolicyConfig,
    QrExpired,
    QrReceived,
    RetryDue,
    SessionState,
    StartClient,
    Status,
    StoreCorrupt,
    StreamReplaced,
    TemporaryBan,
    UserReconnectNow,
    UserStart,
    UserStop,
    connected,
    notice,
    notices,
    of,
    reconnecting,
    step,
)

LATER = T0 + 5000.0


def _events(state: SessionState) -> list[Event]:
    return [
        UserStart(),
        UserStop(),
        UserReconnectNow(),
        QrReceived("2@code"),
        PairCodeIssued("ABCD-EFGH"),
        Paired(JID_OF),
        Connected(),
        Disconnected(408, "timed out"),
        Disconnected(None, "connection lost"),
        StreamReplaced(),
        LoggedOut(401),
        ClientOutdated(),
        TemporaryBan(402, LATER + 3600),
        StoreCorrupt("not a database"),
        QrExpired(),
        EngineDied("exit -9"),
        NetworkDown(),
        NetworkUp(),
        RetryDue(state.retry_token),
        GraceExpired(state.grace_token),
    ]


JID_OF = "51902049935.0:1@s.whatsapp.net"


@pytest.mark.parametrize("name", sorted(STATES))
def test_a_new_status_is_dated_by_the_event_that_set_it(name: str) -> None:
    build, _ = STATES[name]
    start = build()
    for event in _events(start):
        new, _ = step(start, event, LATER)
        if new.status is not start.status:
            assert new.since == LATER, (name, event, new.status)
        if isinstance(event, UserStart) and new.status is not start.status:
            # The owner's start carries nothing of the last attempt's wording or schedule.
            assert (new.next_retry_at, new.message, new.ban_until) == (None, None, None), name


def _live_timers(state: SessionState) -> list[Event]:
    return [RetryDue(state.retry_token), GraceExpired(state.grace_token)]


@pytest.mark.parametrize(
    ("leave", "spent"),
    [
        ([UserStop()], "retry and grace"),
        ([UserStart()], "retry"),  # the outage goes on: its grace still counts
        ([UserReconnectNow()], "retry"),
        (["retry", Connected()], "retry and grace"),  # back: the outage is over
    ],
)
def test_timers_armed_before_leaving_an_outage_never_act(leave: list[object], spent: str) -> None:
    outage = reconnecting()  # a retry and a grace timer armed
    left = outage
    for event in leave:
        due = RetryDue(left.retry_token) if event == "retry" else event
        assert not isinstance(due, str)
        left, _ = step(left, due, T0 + 20)
    timers = _live_timers(outage) if spent == "retry and grace" else _live_timers(outage)[:1]
    for timer in timers:
        after, actions = step(left, timer, T0 + 30)
        assert (after, of(actions, StartClient), notices(actions)) == (left, [], []), timer


def test_a_stop_spends_the_timers_of_a_parked_number_too() -> None:
    banned, _ = step(connected(), TemporaryBan(402, T0 + 3600), T0 + 100)
    stopped, _ = step(banned, UserStop(), T0 + 200)
    for timer in _live_timers(banned):
        assert step(stopped, timer, T0 + 300) == (stopped, ()), timer


def test_the_late_notice_gives_the_grace_period_in_tenths_of_a_minute() -> None:
    config = PolicyConfig(grace_period=100.0)
    outage, _ = step(connected(), Disconnected(408, "timed out"), T0 + 10, config)
    _, actions = step(outage, GraceExpired(outage.grace_token), T0 + 110, config)
    assert notices(actions) == [NoticeKind.DOWN]
    assert dict(notice(actions).params)["minutes"] == 1.7  # 100 s, not 1.67 or 2


@pytest.mark.parametrize("seconds", [1.0, 1.5])
def test_a_ban_of_a_second_or_more_is_waited_out(seconds: float) -> None:
    banned, _ = step(connected(), TemporaryBan(402, T0 + 100 + seconds), T0 + 100)
    assert banned.status is Status.TEMP_BANNED and banned.ban_until is not None


def test_the_recovery_after_a_down_notice_says_so_in_words() -> None:
    outage = reconnecting()
    told, actions = step(outage, GraceExpired(outage.grace_token), T0 + 200)
    assert notices(actions) == [NoticeKind.DOWN]
    retrying, _ = step(told, RetryDue(told.retry_token), T0 + 210)
    _, actions = step(retrying, Connected(), T0 + 211)
    assert notices(actions) == [NoticeKind.RECOVERED]
    assert notice(actions) == Message.of(Code.RECOVERED)
