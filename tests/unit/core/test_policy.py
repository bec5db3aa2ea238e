"""The disconnect policy of PRODUCT.md §1, row by row, without a loop or a clock.

Every scenario starts from a state built by real transitions (never a
hand-made SessionState) so the tests exercise the same paths as the pool.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from tests.unit.core.policy_support import (
    BAN_MARGIN,
    DEFAULT_CONFIG,
    NO_JITTER,
    STATES,
    T0,
    ArmGrace,
    BackupStore,
    CancelRetry,
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
    QrExpired,
    QrReceived,
    QuarantineStore,
    ResetStore,
    RetryDue,
    ScheduleRetry,
    SessionState,
    StartClient,
    Status,
    StopClient,
    StoreCorrupt,
    StoreInspected,
    StreamReplaced,
    TemporaryBan,
    UserReconnectNow,
    UserStart,
    UserStop,
    connected,
    connecting,
    notice,
    notices,
    of,
    pairing,
    qr,
    reconnecting,
    replaced_paused,
    replaced_waiting,
    retry,
    step,
    transition,
)

PARKED = ["stopped", "replaced_paused", "logged_out", "outdated", "failed", "stopped_by_user"]
LIVE = ["connecting", "qr", "pairing", "connected"]  # a client runs right now


@pytest.mark.parametrize("name", STATES)
def test_every_builder_reaches_its_status(name: str) -> None:
    build, status = STATES[name]
    assert build().status is status


def test_every_status_is_reachable() -> None:
    assert {status for _, status in STATES.values()} == set(Status)


# --- the policy table: one row per cause --------------------------------------

TRANSIENT = [
    pytest.param(Disconnected(None, "network unreachable"), id="network-loss"),
    pytest.param(Disconnected(None, "keep-alive timeout"), id="keepalive-timeout"),
    pytest.param(Disconnected(408, "timed out"), id="408"),
    pytest.param(Disconnected(428, "connection closed"), id="428"),
    pytest.param(Disconnected(515, "stream error 515"), id="515"),
    pytest.param(Disconnected(500, "connect failure 500"), id="500"),
    pytest.param(Disconnected(503, "connect failure 503"), id="503"),
    pytest.param(Disconnected(None, "lookup web.whatsapp.com: no such host"), id="dns"),
    pytest.param(Disconnected(None, "read tcp: connection reset by peer"), id="socket"),
    pytest.param(EngineDied("exit 134"), id="engine-died"),
]


@pytest.mark.parametrize("event", TRANSIENT)
@pytest.mark.parametrize("start", ["connected", "connecting", "qr", "pairing"])
def test_transient_keeps_credentials_and_retries_quietly(event: Event, start: str) -> None:
    before = STATES[start][0]()
    state, actions = step(before, event, T0 + 20)
    assert state.status is Status.RECONNECTING
    assert state.desired
    assert of(actions, ResetStore) == of(actions, QuarantineStore) == []
    assert notices(actions) == []  # told only after the grace period
    assert actions[0] == StopClient()  # also ends whatsmeow's own reconnect loop
    scheduled = retry(actions)
    assert 0.8 <= scheduled.delay <= 1.2  # 1 s ± 20 % jitter
    assert scheduled.token == state.retry_token
    assert state.next_retry_at == pytest.approx(T0 + 20 + scheduled.delay)
    assert of(actions, ArmGrace) == [ArmGrace(120.0, state.grace_token)]
    assert state.last_disconnect is not None and state.last_disconnect.at == T0 + 20


def test_transient_message_says_the_login_is_kept() -> None:
    state, _ = step(connected(), Disconnected(408, "timed out"), T0 + 20)
    assert state.message == Message.of(Code.LOST_RECONNECTING, code=408)


def test_backoff_doubles_to_the_cap_and_arms_grace_once() -> None:
    state, delays, graces = connected(), [], 0
    now = T0 + 2
    for _ in range(9):
        state, actions = step(state, Disconnected(None, "offline"), now, NO_JITTER)
        delays.append(retry(actions).delay)
        graces += len(of(actions, ArmGrace))
        now += delays[-1]
        state, actions = step(state, RetryDue(state.retry_token), now, NO_JITTER)
        assert actions == (StartClient(),)
        assert state.status is Status.RECONNECTING
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert graces == 1
    assert state.since == T0 + 2  # "reconnecting since" is the first drop
    assert state.attempt == 9


def test_jittered_delays_stay_within_20_percent_and_the_cap() -> None:
    state, now, rng = connected(), T0 + 2, random.Random(11)
    for failures in range(1, 12):
        state, actions = transition(state, Disconnected(None, "x"), now, DEFAULT_CONFIG, rng)
        nominal = min(60.0, 2.0 ** (failures - 1))
        assert nominal * 0.8 <= retry(actions).delay <= min(60.0, nominal * 1.2)
        now += retry(actions).delay
        state, _ = step(state, RetryDue(state.retry_token), now)


@pytest.mark.parametrize(
    ("up_for", "expected_delay"),
    [
        pytest.param(59.9, 8.0, id="short-connection-keeps-counting"),
        pytest.param(60.0, 1.0, id="stable-connection-resets"),
        pytest.param(3600.0, 1.0, id="long-connection-resets"),
    ],
)
def test_counter_resets_after_a_stable_connection(up_for: float, expected_delay: float) -> None:
    state, now = connected(), T0 + 2
    for _ in range(3):  # three quick failures: 1, 2, 4
        state, _ = step(state, Disconnected(None, "x"), now, NO_JITTER)
        state, _ = step(state, RetryDue(state.retry_token), now + 5, NO_JITTER)
        now += 10
    state, _ = step(state, Connected(), now, NO_JITTER)
    state, actions = step(state, Disconnected(408, "t"), now + up_for, NO_JITTER)
    assert retry(actions).delay == expected_delay


def test_grace_period_tells_the_owner_once_and_recovery_is_announced() -> None:
    state, actions = step(connected(), Disconnected(None, "offline"), T0 + 10)
    (grace,) = of(actions, ArmGrace)
    assert isinstance(grace, ArmGrace)
    state, _ = step(state, RetryDue(state.retry_token), T0 + 11)
    state, actions = step(state, Disconnected(None, "offline"), T0 + 12)
    assert of(actions, ArmGrace) == []  # the first drop's timer still runs
    state, actions = step(state, GraceExpired(grace.token), T0 + 130)
    assert notices(actions) == [NoticeKind.DOWN]
    assert notice(actions) == Message.of(Code.STILL_DOWN, minutes=2.0, code=None)
    assert state.owner_told
    state, actions = step(state, GraceExpired(grace.token), T0 + 131)
    assert actions == ()  # a repeated timer does not notify twice
    state, _ = step(state, RetryDue(state.retry_token), T0 + 140)
    state, actions = step(state, Connected(), T0 + 141)
    assert notices(actions) == [NoticeKind.RECOVERED]
    assert not state.owner_told and not state.grace_armed


def test_a_blip_shorter_than_the_grace_period_is_never_notified() -> None:
    state, actions = step(connected(), Disconnected(408, "t"), T0 + 10)
    (grace,) = of(actions, ArmGrace)
    assert isinstance(grace, ArmGrace)
    state, _ = step(state, RetryDue(state.retry_token), T0 + 11)
    state, actions = step(state, Connected(), T0 + 12)
    assert notices(actions) == []
    assert actions == (BackupStore("connected"),)
    state, actions = step(state, GraceExpired(grace.token), T0 + 130)
    assert (state.status, actions) == (Status.CONNECTED, ())


def test_grace_that_fires_while_replaced_does_not_silence_the_next_outage() -> None:
    state, actions = step(connected(), Disconnected(None, "offline"), T0 + 10)
    (grace,) = of(actions, ArmGrace)
    assert isinstance(grace, ArmGrace)
    state, _ = step(state, RetryDue(state.retry_token), T0 + 11)
    state, _ = step(state, StreamReplaced(), T0 + 12)
    assert state.status is Status.REPLACED
    state, actions = step(state, GraceExpired(grace.token), T0 + 130)
    assert notices(actions) == []  # "replaced" has its own notice
    state, _ = step(state, RetryDue(state.retry_token), T0 + 142)
    state, actions = step(state, Disconnected(None, "offline"), T0 + 143)
    (again,) = of(actions, ArmGrace)  # a fresh grace period for the new outage
    assert isinstance(again, ArmGrace)
    _, actions = step(state, GraceExpired(again.token), T0 + 263)
    assert notices(actions) == [NoticeKind.DOWN]


# --- network back / wake -------------------------------------------------------


def test_network_up_skips_the_remaining_backoff() -> None:
    state = reconnecting()
    pending = state.retry_token
    state, actions = step(state, NetworkUp(), T0 + 11)
    assert actions == (CancelRetry(), StartClient())
    assert state.status is Status.RECONNECTING and state.next_retry_at is None
    assert step(state, RetryDue(pending), T0 + 12) == (state, ())  # the skipped retry


@pytest.mark.parametrize("name", [n for n in STATES if n != "reconnecting"])
def test_network_up_elsewhere_changes_nothing(name: str) -> None:
    state = STATES[name][0]()
    assert step(state, NetworkUp(), T0 + 200) == (state, ())


def test_offline_retries_wait_for_the_network_then_dial_once() -> None:
    state, actions = step(connected(), NetworkDown(), T0 + 5)
    assert state.offline and actions == ()  # a live connection is left alone
    state, actions = step(state, Disconnected(408, "timed out"), T0 + 10)
    assert state.status is Status.RECONNECTING and StopClient() in actions
    dials = 0
    for minute in range(1, 11):  # ten minutes of retries falling due: no dial
        state, actions = step(state, RetryDue(state.retry_token), T0 + 10 + 60 * minute)
        dials += len(of(actions, StartClient))
    assert dials == 0 and state.next_retry_at is not None  # leftovers stay ignored
    state, actions = step(state, NetworkUp(), T0 + 620)
    assert actions == (CancelRetry(), StartClient()) and not state.offline
    state, _ = step(state, Connected(), T0 + 621)
    assert state.status is Status.CONNECTED


def test_offline_for_longer_than_the_patience_dials_anyway() -> None:
    state, _ = step(reconnecting(), NetworkDown(), T0 + 11)
    late = T0 + 10 + DEFAULT_CONFIG.offline_patience
    assert step(state, RetryDue(state.retry_token), late - 1)[1] == ()
    assert step(state, RetryDue(state.retry_token), late)[1] == (StartClient(),)


def test_network_down_changes_no_status() -> None:
    for make, status in STATES.values():
        state, actions = step(make(), NetworkDown(), T0 + 200)
        assert (state.status, actions) == (status, ())


# --- connection replaced (440) --------------------------------------------------


def test_replaced_retries_once_after_30_s_then_pauses_and_asks() -> None:
    state, actions = step(connected(), StreamReplaced(), T0 + 100)
    assert state.status is Status.REPLACED and state.desired
    assert actions == (StopClient(), ScheduleRetry(30.0, state.retry_token))
    assert notices(actions) == []
    assert state.next_retry_at == T0 + 130
    state, actions = step(state, RetryDue(state.retry_token), T0 + 130)
    assert (state.status, actions) == (Status.CONNECTING, (StartClient(),))
    state, _ = step(state, Connected(), T0 + 131)
    paused, actions = step(state, StreamReplaced(), T0 + 140)
    assert paused.status is Status.REPLACED and paused.loop_detected
    assert notices(actions) == [NoticeKind.REPLACED]
    assert of(actions, ScheduleRetry) == [] and StopClient() in actions
    assert paused.message == Message.of(Code.REPLACED_PAUSED)
    assert of(actions, ResetStore) == of(actions, QuarantineStore) == []
    for token in range(paused.retry_token + 2):  # nothing restarts it by itself
        assert step(paused, RetryDue(token), T0 + 200)[1] == ()
    for event in (NetworkUp(), Disconnected(408, "t"), StreamReplaced(), EngineDied("x")):
        assert step(paused, event, T0 + 200) == (paused, ())


def test_replaced_again_before_the_retry_connects_pauses() -> None:
    state = replaced_waiting()
    state, _ = step(state, RetryDue(state.retry_token), T0 + 130)
    state, actions = step(state, StreamReplaced(), T0 + 131)
    assert state.status is Status.REPLACED and notices(actions) == [NoticeKind.REPLACED]


def test_replaced_after_a_stable_reconnect_is_not_a_loop() -> None:
    state = replaced_waiting()
    state, _ = step(state, RetryDue(state.retry_token), T0 + 130)
    state, _ = step(state, Connected(), T0 + 131)
    state, actions = step(state, StreamReplaced(), T0 + 131 + 3600)
    assert actions == (StopClient(), ScheduleRetry(30.0, state.retry_token))
    assert not state.loop_detected


def test_take_over_starts_fresh() -> None:
    state, actions = step(replaced_paused(), UserStart(), T0 + 300)
    assert state.status is Status.CONNECTING and state.desired
    assert StartClient() in actions and state.replaced_count == 0
    assert not state.loop_detected


# --- temporary ban (402) ---------------------------------------------------------


def test_temporary_ban_waits_for_the_end_and_tells_the_time() -> None:
    until = T0 + 3600
    state, actions = step(connected(), TemporaryBan(402, until), T0 + 100)
    assert state.status is Status.TEMP_BANNED and state.ban_until == until
    assert retry(actions) == ScheduleRetry(3500.0 + BAN_MARGIN, state.retry_token)
    assert notices(actions) == [NoticeKind.TEMP_BANNED]
    assert notice(actions) == Message.of(Code.TEMP_BANNED, until=until)
    assert of(actions, ResetStore) == []
    assert step(state, NetworkUp(), T0 + 200) == (state, ())  # a ban is not skipped
    state, actions = step(state, RetryDue(state.retry_token), until)
    assert (state.status, actions) == (Status.CONNECTING, (StartClient(),))
    assert state.ban_until is None
    _, actions = step(state, Connected(), until + 2)
    assert notices(actions) == [NoticeKind.RECOVERED]


def test_a_ban_with_a_known_end_ignores_earlier_failures() -> None:
    """After a run of failures a ban still ends on time, not a full backoff later."""
    state, now = connected(), T0 + 100
    for _ in range(6):
        state, _ = step(state, Disconnected(408, "timeout"), now, NO_JITTER)
        state, _ = step(state, RetryDue(state.retry_token), now, NO_JITTER)
    state, actions = step(state, TemporaryBan(402, now + 10), now, NO_JITTER)
    assert retry(actions).delay == 10 + BAN_MARGIN


def test_repeated_bans_without_an_end_time_back_off() -> None:
    """A ban whose end is unknown or past must not make us redial every second."""
    state, now, delays = connected(), T0 + 100, []
    for _ in range(8):
        state, actions = step(state, TemporaryBan(402, now), now, NO_JITTER)
        delays.append(retry(actions).delay)
        now += delays[-1]
        state, _ = step(state, RetryDue(state.retry_token), now, NO_JITTER)
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]


# --- logged out (401 / 403 / 406) and the 515 → 401 loop -----------------------


@pytest.mark.parametrize("code", [401, 403, 406])
@pytest.mark.parametrize("start", ["connected", "connecting", "reconnecting", "stopped_by_user"])
def test_logged_out_resets_the_store_and_offers_restore(code: int, start: str) -> None:
    before = STATES[start][0]()
    state, actions = step(before, LoggedOut(code), T0 + 500)
    assert state.status is Status.LOGGED_OUT and not state.desired
    assert of(actions, ResetStore) == [ResetStore(f"logged-out-{code}")]
    assert StopClient() in actions and CancelRetry() in actions
    assert notices(actions) == [NoticeKind.LOGGED_OUT]
    assert state.message == Message.of(Code.LOGGED_OUT, code=code)
    assert not state.loop_detected and state.failures == 0
    assert step(state, RetryDue(before.retry_token), T0 + 501) == (state, ())
    assert step(state, LoggedOut(code), T0 + 502) == (state, ())  # no second reset


@pytest.mark.parametrize(
    ("gap", "loop"),
    [pytest.param(5.0, True, id="401-right-after-515"), pytest.param(61.0, False, id="long-after")],
)
def test_logout_right_after_515_is_flagged_as_a_loop(gap: float, loop: bool) -> None:
    state, _ = step(connected(), Disconnected(515, "stream error"), T0 + 10)
    state, _ = step(state, RetryDue(state.retry_token), T0 + 11)
    state, actions = step(state, LoggedOut(401, on_connect=True), T0 + 10 + gap)
    assert state.loop_detected is loop
    assert state.message is not None
    assert state.message.code is (Code.LOGGED_OUT_LOOP if loop else Code.LOGGED_OUT)
    assert of(actions, ResetStore) != []  # paused, not retried, either way
    assert of(actions, ScheduleRetry) == [] and StartClient() not in actions


# --- corrupt store, outdated client --------------------------------------------


@pytest.mark.parametrize("start", ["connecting", "connected", "reconnecting"])
def test_corrupt_store_is_moved_aside_never_reset(start: str) -> None:
    state, actions = step(STATES[start][0](), StoreCorrupt("file is not a database"), T0 + 300)
    assert state.status is Status.FAILED and not state.desired
    assert of(actions, QuarantineStore) == [QuarantineStore("file is not a database")]
    assert of(actions, ResetStore) == []
    assert notices(actions) == [NoticeKind.CORRUPT]
    assert state.message == Message.of(Code.STORE_CORRUPT, reason="file is not a database")


@pytest.mark.parametrize("start", ["connecting", "connected", "reconnecting"])
def test_outdated_client_stops_and_asks_to_update(start: str) -> None:
    state, actions = step(STATES[start][0](), ClientOutdated(), T0 + 300)
    assert state.status is Status.OUTDATED
    assert state.desired  # comes back by itself once the app is updated
    assert StopClient() in actions and of(actions, ScheduleRetry) == []
    assert of(actions, ResetStore) == of(actions, QuarantineStore) == []
    assert notices(actions) == [NoticeKind.OUTDATED]
    assert notice(actions) == Message.of(Code.OUTDATED)
    assert step(state, ClientOutdated(), T0 + 301) == (state, ())  # told once


# --- the user's Disconnect is sticky ----------------------------------------------

NON_USER_EVENTS = [
    pytest.param(QrReceived("2@x"), id="qr"),
    pytest.param(QrExpired(), id="qr-expired"),
    pytest.param(PairCodeIssued("ABCD-EFGH"), id="pair-code"),
    pytest.param(Paired("51902049935.0:1@s.whatsapp.net"), id="paired"),
    pytest.param(Connected(), id="connected"),
    *TRANSIENT,
    pytest.param(StreamReplaced(), id="replaced"),
    pytest.param(TemporaryBan(402, T0 + 60), id="temp-ban"),
    pytest.param(LoggedOut(401), id="logged-out"),
    pytest.param(ClientOutdated(), id="outdated"),
    pytest.param(StoreCorrupt("bad"), id="corrupt"),
    pytest.param(NetworkUp(), id="network-up"),
]


@pytest.mark.parametrize("name", list(STATES))
def test_user_stop_from_any_status(name: str) -> None:
    state, actions = step(STATES[name][0](), UserStop(), T0 + 400)
    assert state.status is Status.STOPPED and not state.desired
    assert actions == (CancelRetry(), StopClient())
    assert state.next_retry_at is None and state.message is None


@pytest.mark.parametrize("event", NON_USER_EVENTS)
@pytest.mark.parametrize("name", ["connected", "reconnecting", "replaced_waiting", "temp_banned"])
def test_nothing_but_the_user_restarts_a_stopped_session(name: str, event: Event) -> None:
    before = STATES[name][0]()
    state, _ = step(before, UserStop(), T0 + 400)
    for ev in (event, RetryDue(before.retry_token), RetryDue(state.retry_token), event):
        state, actions = step(state, ev, T0 + 401)
        assert StartClient() not in actions and not state.desired
        assert state.status in (Status.STOPPED, Status.LOGGED_OUT, Status.FAILED)
    grace = GraceExpired(state.grace_token)
    assert step(state, grace, T0 + 999)[1] == ()


@pytest.mark.parametrize(("event", "keeps"), [(UserStart(), False), (UserReconnectNow(), True)])
def test_user_start_and_reconnect_now(event: Event, keeps: bool) -> None:
    before = step(reconnecting(), RetryDue(reconnecting().retry_token), T0 + 11)[0]
    before = step(before, Disconnected(None, "x"), T0 + 12)[0]  # two failures
    state, actions = step(before, event, T0 + 13)
    assert state.status is Status.CONNECTING and state.desired
    assert actions[-1] == StartClient() and CancelRetry() in actions
    assert state.failures == (2 if keeps else 0)
    assert step(state, RetryDue(before.retry_token), T0 + 14) == (state, ())


# --- stale timers ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(STATES))
@pytest.mark.parametrize("delta", [-1, 1, 1000], ids=["older", "newer", "far"])
def test_stale_tokens_are_ignored(name: str, delta: int) -> None:
    state = STATES[name][0]()
    assert step(state, RetryDue(state.retry_token + delta), T0 + 500) == (state, ())
    assert step(state, GraceExpired(state.grace_token + delta), T0 + 500) == (state, ())


def test_a_retry_timer_firing_twice_starts_one_client() -> None:
    state = reconnecting()
    token = state.retry_token
    state, actions = step(state, RetryDue(token), T0 + 12)
    assert actions == (StartClient(),)
    assert step(state, RetryDue(token), T0 + 12.001) == (state, ())


# --- QR, pairing, engine crash ------------------------------------------------------


def test_qr_rotation_keeps_since_and_never_leaks_the_payload() -> None:
    state, actions = step(connecting(), QrReceived("2@first"), T0 + 1)
    assert (state.status, state.since, actions) == (Status.QR, T0 + 1, ())
    state, _ = step(state, QrReceived("2@second"), T0 + 61)
    assert state.since == T0 + 1
    assert "2@" not in repr(state)


def test_a_qr_rotation_does_not_leave_pairing() -> None:
    before = pairing()
    state, actions = step(before, QrReceived("2@rotated"), T0 + 61)
    assert (state, actions) == (before, ())


@pytest.mark.parametrize("name", ["qr", "pairing"])
def test_qr_expired_stops_and_says_how_to_get_a_new_one(name: str) -> None:
    state, actions = step(STATES[name][0](), QrExpired(), T0 + 200)
    assert state.status is Status.STOPPED and not state.desired
    assert StopClient() in actions and StartClient() not in actions
    assert state.message == Message.of(Code.QR_EXPIRED)


@pytest.mark.parametrize("name", ["connected", "reconnecting", "temp_banned", "logged_out"])
def test_qr_expired_is_ignored_where_no_qr_is_shown(name: str) -> None:
    state = STATES[name][0]()
    assert step(state, QrExpired(), T0 + 200) == (state, ())


def test_qr_expired_racing_a_successful_scan_does_not_stop_it() -> None:
    state, actions = step(qr(), Paired("51902049935.0:1@s.whatsapp.net"), T0 + 150)
    assert state.status is Status.CONNECTING and actions == (BackupStore("paired"),)
    assert step(state, QrExpired(), T0 + 160) == (state, ())


def test_pairing_code_then_pair_then_connect_backs_up_each_time() -> None:
    state, _ = step(pairing(), Paired("51902049935.0:1@s.whatsapp.net"), T0 + 5)
    state, actions = step(state, Connected(), T0 + 6)
    assert state.status is Status.CONNECTED and actions == (BackupStore("connected"),)


def test_paired_after_stop_keeps_it_stopped_but_backs_up() -> None:
    state, actions = step(step(qr(), UserStop(), T0 + 5)[0], Paired("j"), T0 + 6)
    assert state.status is Status.STOPPED and not state.desired
    assert actions == (BackupStore("paired"),)  # the new device is worth keeping


@pytest.mark.parametrize("name", ["replaced_paused", "outdated", "temp_banned"])
def test_connected_leftover_cannot_revive_a_parked_session(name: str) -> None:
    state = STATES[name][0]()
    assert step(state, Connected(), T0 + 500) == (state, ())


@pytest.mark.parametrize("name", [*PARKED, "temp_banned", "replaced_waiting"])
def test_engine_death_is_ignored_when_no_client_runs(name: str) -> None:
    state = STATES[name][0]()
    assert step(state, EngineDied("recycled"), T0 + 500) == (state, ())


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(EngineDied("recycled"), id="engine-died"),
        pytest.param(Disconnected(None, "late"), id="disconnected"),
        pytest.param(Connected(), id="connected"),
        pytest.param(QrReceived("2@late"), id="qr"),
        pytest.param(PairCodeIssued("ABCD-EFGH"), id="pair-code"),
    ],
)
def test_leftovers_of_a_stopped_client_are_ignored_during_the_backoff_wait(event: Event) -> None:
    """The old client keeps its generation until the retry starts a new one."""
    state = reconnecting()
    assert step(state, event, T0 + 10.5) == (state, ())
    assert step(state, Paired("j"), T0 + 10.5) == (state, (BackupStore("paired"),))


@pytest.mark.parametrize("name", LIVE)
def test_engine_death_reconnects_with_credentials(name: str) -> None:
    state, actions = step(STATES[name][0](), EngineDied("exit 134"), T0 + 500)
    assert state.status is Status.RECONNECTING
    assert state.last_disconnect is not None and "engine" in state.last_disconnect.reason
    assert 0.8 <= retry(actions).delay <= 1.2 and of(actions, ResetStore) == []


def test_an_engine_death_is_told_as_ours_not_the_network() -> None:
    """Our engine process died: "network error" would send the owner to check a
    connection that is fine."""
    state, _ = step(connected(), EngineDied("engine exited with code 2"), T0 + 500)
    assert state.message == Message.of(Code.ENGINE_RESTARTED)
    # While linking the words stay about the QR code that will come again.
    state, _ = step(qr(), EngineDied("engine exited with code 2"), T0 + 500)
    assert state.message is not None and state.message.code is Code.LOST_WHILE_LINKING


def test_unknown_event_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unknown event"):
        transition(SessionState(), object(), T0)  # type: ignore[arg-type]


def test_state_is_immutable_and_transition_pure() -> None:
    before = connected()
    copy = replace(before)
    transition(before, Disconnected(408, "t"), T0 + 10, DEFAULT_CONFIG, random.Random(1))
    assert before == copy
    a = transition(before, Disconnected(408, "t"), T0 + 10, DEFAULT_CONFIG, random.Random(1))
    b = transition(before, Disconnected(408, "t"), T0 + 10, DEFAULT_CONFIG, random.Random(1))
    assert a == b


def test_a_never_linked_number_is_not_promised_a_saved_login() -> None:
    state, actions = step(connecting(), StoreInspected(linked=False), T0 + 1)
    assert actions == () and state.status is Status.CONNECTING and not state.linked
    state, _ = step(state, Disconnected(None, "lookup web.whatsapp.com: no such host"), T0 + 2)
    assert state.status is Status.RECONNECTING
    assert state.message == Message.of(Code.NOT_LINKED_RETRYING, code=None)
    linked, _ = step(connecting(), Disconnected(None, "network unreachable"), T0 + 2)
    assert linked.message == Message.of(Code.LOST_RECONNECTING, code=None)
