"""Random event sequences through the policy: invariants that must always hold.

A small model of the supervisor rides along: it keeps the timers the policy
scheduled (so "the retry fires" uses a real token) and whether a client runs
(StartClient .. StopClient), so the test can check that the status never lies.
The run is seeded (derandomize) so a failure reproduces on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.core.policy_support import (
    BAN_MARGIN,
    DEFAULT_CONFIG,
    JID,
    T0,
    Action,
    ArmGrace,
    CancelRetry,
    ClientOutdated,
    Connected,
    Disconnected,
    EngineDied,
    Event,
    GraceExpired,
    LoggedOut,
    NetworkUp,
    NoticeKind,
    Notify,
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
    StreamReplaced,
    TemporaryBan,
    UserReconnectNow,
    UserStart,
    UserStop,
    step,
    stopped_by_user,
)

QR_SECRET = "2@QR-SECRET-PAYLOAD"
PAIR_SECRET = "PAIRSECR"
CFG = DEFAULT_CONFIG
MAX_BACKOFF = CFG.backoff.cap * (1 + CFG.backoff.jitter)
NOT_DESIRED = {Status.STOPPED, Status.LOGGED_OUT, Status.FAILED}
PARKED = {
    Status.STOPPED,
    Status.REPLACED,
    Status.TEMP_BANNED,
    Status.LOGGED_OUT,
    Status.OUTDATED,
    Status.FAILED,
}
LIVE = {Status.CONNECTING, Status.QR, Status.PAIRING, Status.CONNECTED}
TRANSIENT_EVENTS = (Disconnected, EngineDied)
TIMER_OR_NETWORK = (NetworkUp, RetryDue, GraceExpired)

# Abstract steps; timers and ban ends are resolved against the model.
FIXED: list[Event] = [
    QrReceived(QR_SECRET),
    QrExpired(),
    PairCodeIssued(PAIR_SECRET),
    Paired(JID),
    Connected(),
    *(Disconnected(code, "dropped") for code in (None, 408, 428, 500, 503, 515)),
    StreamReplaced(),
    *(LoggedOut(code) for code in (401, 403, 406)),
    LoggedOut(401, on_connect=True),
    ClientOutdated(),
    StoreCorrupt("file is not a database"),
    EngineDied("exit 134"),
    UserStart(),
    UserStop(),
    UserReconnectNow(),
    NetworkUp(),
]
STEP = st.one_of(
    st.sampled_from(FIXED),
    st.sampled_from(["fire-retry", "fire-grace"]),
    st.tuples(st.just("ban"), st.floats(-600, 86_400)),
    st.tuples(st.sampled_from(["retry", "grace"]), st.integers(-2, 60)),
)


@dataclass
class Model:
    """What the supervisor would hold: pending timers, a running client."""

    retry: ScheduleRetry | None = None
    grace: ArmGrace | None = None
    running: bool = False
    user_stopped: bool = True  # a new session is stopped until the user starts it
    told: bool = False  # a problem notice went out since the last connect
    downs: int = 0  # DOWN notices in this outage
    log: list[str] = field(default_factory=list)

    def carry_out(self, actions: tuple[Action, ...]) -> None:
        for action in actions:
            match action:
                case StartClient():
                    self.running = True
                case StopClient():
                    self.running = False
                case ScheduleRetry():
                    self.retry = action
                case CancelRetry():
                    self.retry = None
                case ArmGrace():
                    self.grace = action
                    self.downs = 0  # a new grace period: one more DOWN allowed


def resolve(raw: object, state: SessionState, model: Model, now: float) -> Event:
    if raw == "fire-retry":
        token = model.retry.token if model.retry else state.retry_token
        model.retry = None
        return RetryDue(token)
    if raw == "fire-grace":
        token = model.grace.token if model.grace else state.grace_token
        model.grace = None
        return GraceExpired(token)
    if isinstance(raw, tuple) and raw[0] == "ban":
        return TemporaryBan(402, now + raw[1])
    if isinstance(raw, tuple):
        kind, offset = raw
        if kind == "retry":
            return RetryDue(state.retry_token + offset)
        return GraceExpired(state.grace_token + offset)
    assert isinstance(raw, Event)
    return raw


def check(
    before: SessionState,
    event: Event,
    now: float,
    after: SessionState,
    actions: tuple[Action, ...],
    model: Model,
) -> None:
    starts = [a for a in actions if isinstance(a, StartClient)]
    kinds = [a.kind for a in actions if isinstance(a, Notify)]

    # Only the owner's wish starts a client; "desired" and the status agree.
    assert len(starts) <= 1 and (not starts or actions[-1] == StartClient())
    if starts:
        assert after.desired
        assert after.status in (Status.CONNECTING, Status.RECONNECTING)
        assert isinstance(event, UserStart | UserReconnectNow | NetworkUp | RetryDue)
    assert after.desired == (after.status not in NOT_DESIRED)
    if model.user_stopped:
        assert not after.desired and not starts

    # Credentials: only a logout resets, only a corrupt store is moved aside.
    if any(isinstance(a, ResetStore) for a in actions):
        assert isinstance(event, LoggedOut)
    if any(isinstance(a, QuarantineStore) for a in actions):
        assert isinstance(event, StoreCorrupt)
    if isinstance(event, TRANSIENT_EVENTS + TIMER_OR_NETWORK):
        assert not any(isinstance(a, ResetStore | QuarantineStore) for a in actions)
    if isinstance(event, TRANSIENT_EVENTS):
        assert kinds == []  # the owner hears only after the grace period

    # Timers: tokens are the state's, delays are sane.
    for action in actions:
        if isinstance(action, ScheduleRetry):
            assert action.token == after.retry_token
            assert after.next_retry_at == now + action.delay
            if isinstance(event, TRANSIENT_EVENTS):
                assert 0.0 <= action.delay <= MAX_BACKOFF
            elif isinstance(event, StreamReplaced):
                assert action.delay == CFG.replaced_retry_delay
            else:
                assert isinstance(event, TemporaryBan)
                assert action.delay >= event.expire_at - now
                # A known end: just after it (BAN_MARGIN); unknown: the backoff.
                assert action.delay <= max(event.expire_at - now + BAN_MARGIN, MAX_BACKOFF)
        if isinstance(action, ArmGrace):
            assert (action.delay, action.token) == (CFG.grace_period, after.grace_token)
            assert after.grace_armed
    if isinstance(event, RetryDue | GraceExpired) and event.token != (
        before.retry_token if isinstance(event, RetryDue) else before.grace_token
    ):
        assert (after, actions) == (before, ())  # stale tokens change nothing
    assert after.retry_token >= before.retry_token
    assert after.grace_token >= before.grace_token
    assert after.failures >= 0

    # The status tells the truth about whether a client runs.
    assert model.running == (
        after.status in LIVE
        or (after.status is Status.RECONNECTING and after.next_retry_at is None)
    ), model.log
    if after.status is Status.RECONNECTING:
        assert after.last_disconnect is not None and after.desired
    if after.status is Status.TEMP_BANNED:
        assert after.ban_until is not None and after.next_retry_at is not None

    # Notices: no secrets; one DOWN per outage; RECOVERED only after a problem notice.
    for action in actions:
        if isinstance(action, Notify):
            assert QR_SECRET not in str(action.message) and PAIR_SECRET not in str(action.message)
    assert QR_SECRET not in str(after.message) and PAIR_SECRET not in str(after.message)
    if NoticeKind.DOWN in kinds:
        assert isinstance(event, GraceExpired)
    if NoticeKind.RECOVERED in kinds:
        assert isinstance(event, Connected) and after.status is Status.CONNECTED
        assert model.told
    if isinstance(event, Connected) and after.status is Status.CONNECTED and model.told:
        assert NoticeKind.RECOVERED in kinds
    assert model.downs + kinds.count(NoticeKind.DOWN) <= 1


@settings(
    max_examples=400,
    derandomize=True,  # seeded: the same sequences on every run and machine
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.tuples(STEP, st.floats(0.0, 400.0)), max_size=40),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_event_sequences_keep_the_invariants(
    steps: list[tuple[object, float]], seed: int
) -> None:
    rng = random.Random(seed)
    state, model, now = SessionState(since=T0), Model(), T0
    for raw, dt in steps:
        now += dt
        event = resolve(raw, state, model, now)
        model.log.append(f"{state.status.value} <- {event!r}")
        if isinstance(event, UserStart | UserReconnectNow):
            model.user_stopped = False
        after, actions = step(state, event, now, CFG, rng)
        model.carry_out(actions)
        check(state, event, now, after, actions, model)
        # Bookkeeping of the model after the checks of this step.
        if isinstance(event, UserStop):
            model.user_stopped, model.told = True, False
        if isinstance(event, Connected) and after.status is Status.CONNECTED:
            model.told, model.downs = False, 0
        if any(isinstance(a, Notify) and a.kind is not NoticeKind.RECOVERED for a in actions):
            model.told = True
        model.downs += sum(isinstance(a, Notify) and a.kind is NoticeKind.DOWN for a in actions)
        state = after


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(
    steps=st.lists(st.tuples(STEP, st.floats(0.0, 400.0)), max_size=30),
    seed=st.integers(0, 2**32 - 1),
)
def test_after_disconnect_only_the_user_can_restart(
    steps: list[tuple[object, float]], seed: int
) -> None:
    """Whatever the transport, the timers or the network do, Disconnect sticks."""
    rng = random.Random(seed)
    state = stopped_by_user()
    model, now = Model(), T0 + 100  # the Disconnect's own time
    for raw, dt in steps:
        now += dt
        event = resolve(raw, state, model, now)
        if isinstance(event, UserStart | UserReconnectNow):
            continue
        state, actions = step(state, event, now, CFG, rng)
        assert not state.desired
        assert not any(isinstance(a, StartClient | ScheduleRetry | ArmGrace) for a in actions)
