"""The disconnect policy of PRODUCT.md §1 as a pure state machine.

`transition(state, event, now)` returns the next state and the actions the
supervisor must carry out. No I/O, no clock, no loop: tested table-driven.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from lila_desktop.core.actions import (
    Action,
    ArmGrace,
    BackupStore,
    CancelRetry,
    NoticeKind,
    Notify,
    QuarantineStore,
    ResetStore,
    ScheduleRetry,
    StartClient,
    StopClient,
)
from lila_desktop.core.backoff import DEFAULT_BACKOFF, Backoff
from lila_desktop.core.events import (
    ClientOutdated,
    Connected,
    Disconnected,
    EngineDied,
    Event,
    GraceExpired,
    LoggedOut,
    NetworkDown,
    NetworkUp,
    PairCodeIssued,
    Paired,
    QrExpired,
    QrReceived,
    RetryDue,
    StoreCorrupt,
    StoreInspected,
    StreamReplaced,
    TemporaryBan,
    UserReconnectNow,
    UserStart,
    UserStop,
)
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.status import RUNNING, Status


@dataclass(frozen=True)
class PolicyConfig:
    backoff: Backoff = DEFAULT_BACKOFF
    grace_period: float = 120.0  # tell the owner only if still down after this
    stable_after: float = 60.0  # a connection up this long resets the counters
    replaced_retry_delay: float = 30.0
    loop_window: float = 60.0  # a logout this soon after a 515 is a loop
    # While the OS says offline, retries wait for NetworkUp; after this long
    # reconnecting they dial anyway (in case the OS signal is wrong).
    offline_patience: float = 900.0


DEFAULT_CONFIG = PolicyConfig()
BAN_MARGIN = 1.0  # seconds after a ban's end before the first dial


@dataclass(frozen=True)
class DisconnectInfo:
    code: int | None
    reason: str
    at: float


@dataclass(frozen=True)
class SessionState:
    """Everything the policy needs to know about one session."""

    status: Status = Status.STOPPED
    desired: bool = False  # the owner wants this number running
    since: float = 0.0
    failures: int = 0  # consecutive failures, drives the backoff
    next_retry_at: float | None = None
    connected_at: float | None = None
    last_disconnect: DisconnectInfo | None = None
    message: Message | None = None  # what happened, what to do: the faces word it
    replaced_count: int = 0
    last_515_at: float | None = None
    ban_until: float | None = None
    loop_detected: bool = False
    retry_token: int = 0  # a RetryDue with another token is stale
    grace_token: int = 0
    grace_armed: bool = False
    down_told: bool = False  # this outage's grace expired and the owner heard of it
    owner_told: bool = False  # a problem was notified: announce the recovery
    offline: bool = False  # the OS reported no route to the internet
    linked: bool = True  # the store holds a device (False: never linked, or logged out)

    @property
    def attempt(self) -> int:
        return self.failures


Result = tuple[SessionState, tuple[Action, ...]]

# Statuses in which no client runs and transport events are leftovers.
_PARKED = frozenset(
    {
        Status.STOPPED,
        Status.REPLACED,
        Status.TEMP_BANNED,
        Status.LOGGED_OUT,
        Status.OUTDATED,
        Status.FAILED,
    }
)


def _stable(state: SessionState, now: float, config: PolicyConfig) -> bool:
    return (
        state.status is Status.CONNECTED
        and state.connected_at is not None
        and now - state.connected_at >= config.stable_after
    )


def _waiting(state: SessionState) -> bool:
    """Between a StopClient and the retry's StartClient: no client runs."""
    return state.status is Status.RECONNECTING and state.next_retry_at is not None


def _leftover(state: SessionState) -> bool:
    """No client of ours runs: a transport event now comes from one we stopped.

    The supervisor drops older generations, but a client being stopped keeps
    its generation until the next StartClient (and stop() can take long,
    NEONIZE_NOTES hazard 5), so its last events still reach the policy.
    """
    return not state.desired or state.status in _PARKED or _waiting(state)


def _start(state: SessionState, now: float, *, keep_failures: bool) -> Result:
    new = replace(
        state,
        status=Status.CONNECTING,
        desired=True,
        since=now,
        failures=state.failures if keep_failures else 0,
        next_retry_at=None,
        message=None,
        replaced_count=state.replaced_count if keep_failures else 0,
        ban_until=None,
        loop_detected=False,
        retry_token=state.retry_token + 1,
    )
    return new, (CancelRetry(), StartClient())


def _transient_message(
    previous: Status, code: int | None, linked: bool = True, *, ours: bool = False
) -> Message:
    if not linked and previous not in (Status.QR, Status.PAIRING):
        return Message.of(Code.NOT_LINKED_RETRYING, code=code)
    if previous in (Status.QR, Status.PAIRING):
        return Message.of(Code.LOST_WHILE_LINKING, code=code)
    if ours:  # our engine died: "network error" would send the owner to a fine connection
        return Message.of(Code.ENGINE_RESTARTED)
    return Message.of(Code.LOST_RECONNECTING, code=code)


def _transient(
    state: SessionState,
    code: int | None,
    reason: str,
    now: float,
    config: PolicyConfig,
    rng: random.Random | None,
    *,
    ours: bool = False,
) -> Result:
    stable = _stable(state, now, config)
    failures = (0 if stable else state.failures) + 1
    delay = config.backoff.delay(failures, rng)
    token = state.retry_token + 1
    actions: list[Action] = [StopClient(), ScheduleRetry(delay, token)]
    grace_token = state.grace_token
    down_told = state.down_told
    if not state.grace_armed:  # a new outage: a grace period (and a DOWN) of its own
        grace_token += 1
        down_told = False
        actions.append(ArmGrace(config.grace_period, grace_token))
    new = replace(
        state,
        status=Status.RECONNECTING,
        since=state.since if state.status is Status.RECONNECTING else now,
        failures=failures,
        next_retry_at=now + delay,
        connected_at=None,
        last_disconnect=DisconnectInfo(code, reason, now),
        message=_transient_message(state.status, code, state.linked, ours=ours),
        replaced_count=0 if stable else state.replaced_count,
        last_515_at=now if code == 515 else state.last_515_at,
        retry_token=token,
        grace_token=grace_token,
        grace_armed=True,
        down_told=down_told,
    )
    return new, tuple(actions)


def _park(
    state: SessionState,
    status: Status,
    now: float,
    message: Message,
    *,
    desired: bool,
    extra: tuple[Action, ...] = (),
    notice: NoticeKind | None = None,
) -> Result:
    actions: tuple[Action, ...] = (StopClient(), CancelRetry(), *extra)
    if notice is not None:
        actions = (*actions, Notify(notice, message))
    new = replace(
        state,
        status=status,
        desired=desired,
        since=now,
        next_retry_at=None,
        connected_at=None,
        message=message,
        retry_token=state.retry_token + 1,
        grace_armed=False,
        grace_token=state.grace_token + 1,
        owner_told=state.owner_told or notice is not None,
    )
    return new, actions


def transition(
    state: SessionState,
    event: Event,
    now: float,
    config: PolicyConfig = DEFAULT_CONFIG,
    rng: random.Random | None = None,
) -> Result:
    """Apply one event to one session's state. Pure."""
    match event:
        case UserStart():
            return _start(state, now, keep_failures=False)

        case UserStop():
            new = replace(
                state,
                status=Status.STOPPED,
                desired=False,
                since=now,
                next_retry_at=None,
                connected_at=None,
                message=None,
                retry_token=state.retry_token + 1,
                grace_token=state.grace_token + 1,
                grace_armed=False,
                owner_told=False,
            )
            return new, (CancelRetry(), StopClient())

        case UserReconnectNow():
            keep = state.status is Status.RECONNECTING
            new, actions = _start(state, now, keep_failures=keep)
            return new, (StopClient(), *actions)

        case NetworkUp():
            state = replace(state, offline=False) if state.offline else state
            if state.desired and state.status is Status.RECONNECTING:
                new = replace(state, next_retry_at=None, retry_token=state.retry_token + 1)
                return new, (CancelRetry(), StartClient())
            return state, ()

        case NetworkDown():
            # The retry timer keeps running (and next_retry_at set, so that a
            # stopped client's leftovers stay ignored); RetryDue defers to NetworkUp.
            return (state if state.offline else replace(state, offline=True)), ()

        case RetryDue(token=token):
            # next_retry_at is None: nothing pending (paused, or the timer fired twice).
            if token != state.retry_token or not state.desired or state.next_retry_at is None:
                return state, ()
            if state.status is Status.RECONNECTING:
                if state.offline and now - state.since < config.offline_patience:
                    return state, ()  # NetworkUp dials: no dial into a dead network
                return replace(state, next_retry_at=None), (StartClient(),)
            if state.status in (Status.REPLACED, Status.TEMP_BANNED):
                new = replace(
                    state, status=Status.CONNECTING, since=now, next_retry_at=None, ban_until=None
                )
                return new, (StartClient(),)
            return state, ()

        case GraceExpired(token=token):
            if token != state.grace_token or not state.grace_armed:
                return state, ()
            # Spend the token so that a timer firing twice never notifies twice.
            spent = state.grace_token + 1
            if not state.desired or state.status not in (Status.RECONNECTING, Status.CONNECTING):
                # Fired while another status speaks for the session (replaced, qr):
                # disarm, so that the next outage gets a grace period of its own.
                return replace(state, grace_armed=False, grace_token=spent), ()
            if state.down_told:
                # This outage's DOWN went out already: one per outage, even if a
                # timer with the spent token (never armed) were to fire.
                return replace(state, grace_token=spent), ()
            last = state.last_disconnect
            msg = Message.of(
                Code.STILL_DOWN,
                minutes=round(config.grace_period / 60, 1),
                code=last.code if last else None,
            )
            return replace(state, owner_told=True, down_told=True, grace_token=spent), (
                Notify(NoticeKind.DOWN, msg),
            )

        case StoreInspected(linked=linked):
            return replace(state, linked=linked), ()

        case QrReceived():
            # whatsmeow keeps rotating QR codes behind a pairing code, which stays valid.
            if _leftover(state) or state.status is Status.PAIRING:
                return state, ()
            since = state.since if state.status is Status.QR else now
            return replace(state, status=Status.QR, since=since, message=None), ()

        case PairCodeIssued():
            if _leftover(state):
                return state, ()
            return replace(state, status=Status.PAIRING, since=now), ()

        case QrExpired():
            # Not CONNECTING: after Paired that means a scan won the race with the timeout.
            if state.status not in (Status.QR, Status.PAIRING):
                return state, ()
            msg = Message.of(Code.QR_EXPIRED)
            return _park(state, Status.STOPPED, now, msg, desired=False)

        case Paired():
            if _leftover(state):
                # Stopped while the phone was scanning: keep the device, not the client.
                return state, (BackupStore("paired"),)
            new = replace(state, status=Status.CONNECTING, since=now, message=None)
            return new, (BackupStore("paired"),)

        case Connected():
            # We stopped that client: a late "connected" must not make the status lie.
            if _leftover(state):
                return state, ()
            done: tuple[Action, ...] = (BackupStore("connected"),)
            if state.owner_told:
                done = (*done, Notify(NoticeKind.RECOVERED, Message.of(Code.RECOVERED)))
            new = replace(
                state,
                status=Status.CONNECTED,
                since=now,
                connected_at=now,
                next_retry_at=None,
                message=None,
                ban_until=None,
                loop_detected=False,
                grace_armed=False,
                grace_token=state.grace_token + 1,
                owner_told=False,
            )
            return new, done

        case Disconnected(code=code, reason=reason):
            # A stopped client's last words must not count as another failure.
            if _leftover(state):
                return state, ()
            return _transient(state, code, reason, now, config, rng)

        case EngineDied(reason=reason):
            if not state.desired or state.status not in RUNNING or _waiting(state):
                return state, ()
            reason = f"engine restarted: {reason}"
            return _transient(state, None, reason, now, config, rng, ours=True)

        case StreamReplaced():
            if not state.desired or state.status in _PARKED:
                return state, ()
            count = 0 if _stable(state, now, config) else state.replaced_count
            if count == 0:
                token = state.retry_token + 1
                delay = config.replaced_retry_delay
                new = replace(
                    state,
                    status=Status.REPLACED,
                    since=now,
                    connected_at=None,
                    next_retry_at=now + delay,
                    replaced_count=1,
                    retry_token=token,
                    message=Message.of(Code.REPLACED_RETRYING, seconds=delay),
                )
                return new, (StopClient(), ScheduleRetry(delay, token))
            msg = Message.of(Code.REPLACED_PAUSED)
            new, actions = _park(
                state, Status.REPLACED, now, msg, desired=True, notice=NoticeKind.REPLACED
            )
            return replace(new, replaced_count=count + 1, loop_detected=True), actions

        case TemporaryBan(expire_at=expire_at):
            if not state.desired or state.status in _PARKED - {Status.TEMP_BANNED}:
                return state, ()
            if expire_at - now >= 1.0:
                # A known end: come back right after it, whatever failed before.
                failures = state.failures
                delay = expire_at - now + BAN_MARGIN
            else:
                # An unknown or past end (whatsmeow reports 0 when the server omits
                # it) must not make us redial every second: back off as for a failure.
                failures = (0 if _stable(state, now, config) else state.failures) + 1
                delay = config.backoff.delay(failures, rng)
            token = state.retry_token + 1
            msg = Message.of(Code.TEMP_BANNED, until=expire_at)
            new = replace(
                state,
                status=Status.TEMP_BANNED,
                since=now,
                connected_at=None,
                ban_until=expire_at,
                failures=failures,
                next_retry_at=now + delay,
                retry_token=token,
                message=msg,
                grace_armed=False,
                grace_token=state.grace_token + 1,
                owner_told=True,
            )
            return new, (
                StopClient(),
                ScheduleRetry(delay, token),
                Notify(NoticeKind.TEMP_BANNED, msg),
            )

        case LoggedOut(code=code):
            if state.status is Status.LOGGED_OUT:
                return state, ()
            loop = state.last_515_at is not None and now - state.last_515_at <= config.loop_window
            if loop:
                msg = Message.of(Code.LOGGED_OUT_LOOP)
            else:
                msg = Message.of(Code.LOGGED_OUT, code=code)
            new, actions = _park(
                state,
                Status.LOGGED_OUT,
                now,
                msg,
                desired=False,
                extra=(ResetStore(f"logged-out-{code}"),),
                notice=NoticeKind.LOGGED_OUT,
            )
            return replace(new, loop_detected=loop, failures=0), actions

        case ClientOutdated():
            # Not desired: keep the user's Disconnect (desired stays False); OUTDATED: told.
            if not state.desired or state.status is Status.OUTDATED:
                return state, ()
            msg = Message.of(Code.OUTDATED)
            return _park(state, Status.OUTDATED, now, msg, desired=True, notice=NoticeKind.OUTDATED)

        case StoreCorrupt(reason=reason):
            msg = Message.of(Code.STORE_CORRUPT, reason=reason)
            return _park(
                state,
                Status.FAILED,
                now,
                msg,
                desired=False,
                extra=(QuarantineStore(reason),),
                notice=NoticeKind.CORRUPT,
            )

    raise TypeError(f"unknown event {event!r}")  # pragma: no cover
