"""What the policy records and says on each transition, table by table.

These rows came out of mutation testing (bench/mutation.py): each one is a
promise the other policy tests did not pin down, so a one-line change to
policy.py broke it without a red test.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from tests.unit.core.policy_support import (
    DEFAULT_CONFIG,
    NO_JITTER,
    STATES,
    T0,
    ArmGrace,
    ClientOutdated,
    Code,
    Connected,
    Disconnected,
    EngineDied,
    Event,
    GraceExpired,
    LoggedOut,
    Message,
    NoticeKind,
    QrExpired,
    RetryDue,
    SessionState,
    Status,
    StoreCorrupt,
    StoreInspected,
    StreamReplaced,
    TemporaryBan,
    UserStart,
    connected,
    connecting,
    notice,
    notices,
    of,
    qr,
    reconnecting,
    replaced_waiting,
    retry,
    step,
)

# --- the words of a transient drop: where it happened, with the code -------------


@pytest.mark.parametrize(
    ("start", "linked", "code", "expected"),
    [
        ("qr", True, 408, Message.of(Code.LOST_WHILE_LINKING, code=408)),
        ("pairing", True, 503, Message.of(Code.LOST_WHILE_LINKING, code=503)),
        ("qr", False, 408, Message.of(Code.LOST_WHILE_LINKING, code=408)),
        ("connected", True, 428, Message.of(Code.LOST_RECONNECTING, code=428)),
        ("connecting", True, None, Message.of(Code.LOST_RECONNECTING, code=None)),
        ("connecting", False, 500, Message.of(Code.NOT_LINKED_RETRYING, code=500)),
        ("connected", False, 515, Message.of(Code.NOT_LINKED_RETRYING, code=515)),
    ],
)
def test_a_drop_says_where_it_happened_and_keeps_the_code(
    start: str, linked: bool, code: int | None, expected: Message
) -> None:
    state, _ = step(STATES[start][0](), StoreInspected(linked=linked), T0 + 2)
    state, _ = step(state, Disconnected(code, "dropped"), T0 + 20)
    assert state.message == expected
    assert state.last_disconnect is not None
    assert (state.last_disconnect.code, state.last_disconnect.reason) == (code, "dropped")


@pytest.mark.parametrize("code", [None, 408, 503])
def test_the_late_notice_names_the_code_of_the_drop(code: int | None) -> None:
    state, _ = step(connected(), Disconnected(code, "dropped"), T0 + 10)
    _, actions = step(state, GraceExpired(state.grace_token), T0 + 130)
    assert notice(actions) == Message.of(Code.STILL_DOWN, minutes=2.0, code=code)


# --- a grace timer belongs to one outage ----------------------------------------


def test_a_grace_timer_of_an_earlier_outage_never_speaks_for_the_next() -> None:
    """The supervisor may not cancel an old grace timer: its token must stay stale."""
    state, _ = step(connected(), Disconnected(408, "t"), T0 + 10)
    first = state.grace_token
    state, _ = step(state, RetryDue(state.retry_token), T0 + 11)
    state, _ = step(state, Connected(), T0 + 12)
    state, _ = step(state, Disconnected(408, "t"), T0 + 20)  # a new outage, a new timer
    assert state.grace_token != first
    assert step(state, GraceExpired(first), T0 + 130) == (state, ())
    _, actions = step(state, GraceExpired(state.grace_token), T0 + 140)
    assert notices(actions) == [NoticeKind.DOWN]


# --- the loop rule looks at a 515 only -----------------------------------------------


@pytest.mark.parametrize(
    ("code", "loop"), [(515, True), (408, False), (428, False), (None, False), (503, False)]
)
def test_only_a_logout_right_after_a_515_is_a_loop(code: int | None, loop: bool) -> None:
    state, _ = step(connected(), Disconnected(code, "dropped"), T0 + 10)
    state, _ = step(state, RetryDue(state.retry_token), T0 + 11)
    state, _ = step(state, LoggedOut(401, on_connect=True), T0 + 15)
    assert state.loop_detected is loop
    assert state.message == (
        Message.of(Code.LOGGED_OUT_LOOP) if loop else Message.of(Code.LOGGED_OUT, code=401)
    )


# --- "replaced" counts within one unstable stretch only ------------------------------


@pytest.mark.parametrize(("up_for", "pauses"), [(3600.0, False), (30.0, True)])
def test_a_stable_connection_before_a_drop_forgets_an_earlier_replacement(
    up_for: float, pauses: bool
) -> None:
    """Replaced once, back, then a drop after a stable hour: the next replacement
    is a first one again (retry in 30 s), not a loop (pause and ask)."""
    state, _ = step(connected(), StreamReplaced(), T0 + 100)
    state, _ = step(state, RetryDue(state.retry_token), T0 + 130)
    state, _ = step(state, Connected(), T0 + 131)
    state, _ = step(state, Disconnected(408, "t"), T0 + 131 + up_for, NO_JITTER)
    now = T0 + 131 + up_for + 1
    state, _ = step(state, RetryDue(state.retry_token), now, NO_JITTER)
    state, _ = step(state, Connected(), now + 1)
    state, actions = step(state, StreamReplaced(), now + 2)
    assert (notices(actions) == [NoticeKind.REPLACED]) is pauses
    assert state.loop_detected is pauses
    if not pauses:
        assert retry(actions).delay == 30.0
        assert state.message == Message.of(Code.REPLACED_RETRYING, seconds=30.0)


# --- parking: since when, and the recovery is announced --------------------------------


def retried_after_replaced() -> SessionState:
    state = replaced_waiting()
    return step(state, RetryDue(state.retry_token), T0 + 130)[0]


PARKING: list[tuple[Callable[[], SessionState], Event, Status]] = [
    (qr, QrExpired(), Status.STOPPED),
    (connected, LoggedOut(401), Status.LOGGED_OUT),
    (connecting, ClientOutdated(), Status.OUTDATED),
    (connected, StoreCorrupt("file is not a database"), Status.FAILED),
    (retried_after_replaced, StreamReplaced(), Status.REPLACED),
    (reconnecting, LoggedOut(401), Status.LOGGED_OUT),
    (reconnecting, ClientOutdated(), Status.OUTDATED),
    (reconnecting, StoreCorrupt("file is not a database"), Status.FAILED),
]


@pytest.mark.parametrize(("build", "event", "status"), PARKING)
def test_a_parked_session_is_in_its_status_since_the_event(
    build: Callable[[], SessionState], event: Event, status: Status
) -> None:
    state, _ = step(build(), event, T0 + 700)
    assert (state.status, state.since) == (status, T0 + 700)
    assert state.next_retry_at is None  # no "next attempt at" shown for a parked number
    assert not state.grace_armed


@pytest.mark.parametrize(("build", "event", "status"), PARKING)
def test_the_first_drop_after_a_restart_gets_its_own_grace_period(
    build: Callable[[], SessionState], event: Event, status: Status
) -> None:
    """Parked (often in the middle of an outage), restarted by the owner, dropped
    again: this new outage arms a grace timer of its own."""
    state, _ = step(build(), event, T0 + 700)
    state, _ = step(state, UserStart(), T0 + 800)
    state, actions = step(state, Disconnected(408, "t"), T0 + 801)
    (grace,) = of(actions, ArmGrace)
    assert grace == ArmGrace(120.0, state.grace_token)


def test_a_long_outage_after_a_quiet_restart_is_told() -> None:
    state, _ = step(qr(), QrExpired(), T0 + 700)
    state, _ = step(state, UserStart(), T0 + 800)
    state, _ = step(state, Disconnected(408, "t"), T0 + 801)
    _, actions = step(state, GraceExpired(state.grace_token), T0 + 921)
    assert notice(actions) == Message.of(Code.STILL_DOWN, minutes=2.0, code=408)


@pytest.mark.parametrize("start", ["replaced_paused", "outdated", "logged_out", "failed"])
def test_a_long_outage_after_a_notified_stop_and_the_owners_restart_is_told(start: str) -> None:
    """The owner heard of a problem, pressed Connect, and the number never came up:
    the new outage's grace period ends in a DOWN of its own, exactly once."""
    state, _ = step(STATES[start][0](), UserStart(), T0 + 800)
    state, _ = step(state, Disconnected(408, "t"), T0 + 801)
    state, actions = step(state, GraceExpired(state.grace_token), T0 + 921)
    assert notices(actions) == [NoticeKind.DOWN]
    _, again = step(state, GraceExpired(state.grace_token), T0 + 1041)
    assert notices(again) == []


@pytest.mark.parametrize("start", ["replaced_paused", "outdated"])
def test_after_a_notice_the_owners_restart_announces_the_recovery(start: str) -> None:
    """The owner heard of the problem (replaced, outdated): Connect that works says so."""
    state, _ = step(STATES[start][0](), UserStart(), T0 + 800)
    _, actions = step(state, Connected(), T0 + 801)
    assert notices(actions) == [NoticeKind.RECOVERED]


def test_a_quiet_restart_announces_nothing() -> None:
    state, _ = step(connecting(), QrExpired(), T0 + 5)  # no notice: the owner was there
    state, _ = step(state, UserStart(), T0 + 800)
    _, actions = step(state, Connected(), T0 + 801)
    assert notices(actions) == []


# --- the retry's jitter comes from the generator the pool hands in -----------------


@pytest.mark.parametrize("event", [EngineDied("exit 134"), Disconnected(408, "t")])
def test_a_retry_delay_is_drawn_from_the_given_generator(event: Event) -> None:
    """Same seed, same delay: the pool's generator decides, never the global one."""
    delays = {
        retry(step(connected(), event, T0 + 10, rng=random.Random(5))[1]).delay for _ in range(3)
    }
    (delay,) = delays
    assert delay == DEFAULT_CONFIG.backoff.delay(1, random.Random(5))


# --- a ban without a known end: a stable connection before it starts the count again --


@pytest.mark.parametrize(("up_for", "delay"), [(3600.0, 1.0), (30.0, 8.0)])
def test_a_ban_without_an_end_counts_failures_like_a_drop(up_for: float, delay: float) -> None:
    state, now = connected(), T0 + 2
    for _ in range(3):  # three quick failures: 1, 2, 4
        state, _ = step(state, Disconnected(None, "x"), now, NO_JITTER)
        state, _ = step(state, RetryDue(state.retry_token), now + 5, NO_JITTER)
        now += 10
    state, _ = step(state, Connected(), now, NO_JITTER)
    _, actions = step(state, TemporaryBan(402, 0.0), now + up_for, NO_JITTER)
    assert retry(actions).delay == delay
