"""What the policy tests share: the policy's vocabulary, one step, and states
reached through real transitions (never a hand-made SessionState), so the
table tests and the random sequences start from the paths the pool takes.
"""

from __future__ import annotations

import random
from collections.abc import Callable

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
from lila_desktop.core.backoff import Backoff
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
from lila_desktop.core.policy import (
    BAN_MARGIN,
    DEFAULT_CONFIG,
    PolicyConfig,
    SessionState,
    transition,
)
from lila_desktop.core.status import Status

__all__ = [
    "BAN_MARGIN",
    "DEFAULT_CONFIG",
    "JID",
    "NO_JITTER",
    "STATES",
    "T0",
    "Action",
    "ArmGrace",
    "BackupStore",
    "CancelRetry",
    "ClientOutdated",
    "Code",
    "Connected",
    "Disconnected",
    "EngineDied",
    "Event",
    "GraceExpired",
    "LoggedOut",
    "Message",
    "NetworkDown",
    "NetworkUp",
    "NoticeKind",
    "Notify",
    "PairCodeIssued",
    "Paired",
    "PolicyConfig",
    "QrExpired",
    "QrReceived",
    "QuarantineStore",
    "ResetStore",
    "RetryDue",
    "ScheduleRetry",
    "SessionState",
    "StartClient",
    "Status",
    "StopClient",
    "StoreCorrupt",
    "StoreInspected",
    "StreamReplaced",
    "TemporaryBan",
    "UserReconnectNow",
    "UserStart",
    "UserStop",
    "connected",
    "connecting",
    "failed",
    "logged_out",
    "notice",
    "notices",
    "of",
    "outdated",
    "pairing",
    "qr",
    "reconnecting",
    "replaced_paused",
    "replaced_waiting",
    "retry",
    "step",
    "stopped_by_user",
    "temp_banned",
    "transition",
]

T0 = 1_800_000_000.0  # a fixed wall clock; the policy never reads a real one
NO_JITTER = PolicyConfig(backoff=Backoff(jitter=0.0))
JID = "51902049935.0:1@s.whatsapp.net"


def step(
    state: SessionState,
    event: Event,
    now: float,
    config: PolicyConfig = DEFAULT_CONFIG,
    rng: random.Random | None = None,
) -> tuple[SessionState, tuple[Action, ...]]:
    """One transition; a fresh seeded generator unless the caller brings its own."""
    return transition(state, event, now, config, random.Random(7) if rng is None else rng)


def of(actions: tuple[Action, ...], kind: type[Action]) -> list[Action]:
    return [a for a in actions if isinstance(a, kind)]


def notices(actions: tuple[Action, ...]) -> list[NoticeKind]:
    return [a.kind for a in actions if isinstance(a, Notify)]


def notice(actions: tuple[Action, ...]) -> Message:
    """The message of the one notice among the actions."""
    (told,) = [a for a in actions if isinstance(a, Notify)]
    return told.message


def retry(actions: tuple[Action, ...]) -> ScheduleRetry:
    (scheduled,) = of(actions, ScheduleRetry)
    assert isinstance(scheduled, ScheduleRetry)
    return scheduled


# --- states reached through real transitions ---------------------------------


def connecting() -> SessionState:
    return step(SessionState(), UserStart(), T0)[0]


def qr() -> SessionState:
    return step(connecting(), QrReceived("2@secret-qr-payload"), T0 + 1)[0]


def pairing() -> SessionState:
    return step(connecting(), PairCodeIssued("ABCD-EFGH"), T0 + 1)[0]


def connected() -> SessionState:
    """Connected at T0 + 1; stable (>= 60 s) from T0 + 61 on."""
    return step(connecting(), Connected(), T0 + 1)[0]


def reconnecting() -> SessionState:
    """Waiting for the first retry after a timeout at T0 + 10."""
    return step(connected(), Disconnected(408, "timed out"), T0 + 10)[0]


def replaced_waiting() -> SessionState:
    return step(connected(), StreamReplaced(), T0 + 100)[0]


def replaced_paused() -> SessionState:
    state = replaced_waiting()
    state = step(state, RetryDue(state.retry_token), T0 + 130)[0]
    state = step(state, Connected(), T0 + 131)[0]
    return step(state, StreamReplaced(), T0 + 140)[0]


def temp_banned() -> SessionState:
    return step(connected(), TemporaryBan(402, T0 + 3600), T0 + 100)[0]


def logged_out() -> SessionState:
    return step(connected(), LoggedOut(401), T0 + 100)[0]


def outdated() -> SessionState:
    return step(connecting(), ClientOutdated(), T0 + 1)[0]


def failed() -> SessionState:
    return step(connecting(), StoreCorrupt("file is not a database"), T0 + 1)[0]


def stopped_by_user() -> SessionState:
    """Connected, then the owner's Disconnect at T0 + 100."""
    return step(connected(), UserStop(), T0 + 100)[0]


STATES: dict[str, tuple[Callable[[], SessionState], Status]] = {
    "stopped": (SessionState, Status.STOPPED),
    "connecting": (connecting, Status.CONNECTING),
    "qr": (qr, Status.QR),
    "pairing": (pairing, Status.PAIRING),
    "connected": (connected, Status.CONNECTED),
    "reconnecting": (reconnecting, Status.RECONNECTING),
    "replaced_waiting": (replaced_waiting, Status.REPLACED),
    "replaced_paused": (replaced_paused, Status.REPLACED),
    "temp_banned": (temp_banned, Status.TEMP_BANNED),
    "logged_out": (logged_out, Status.LOGGED_OUT),
    "outdated": (outdated, Status.OUTDATED),
    "failed": (failed, Status.FAILED),
    "stopped_by_user": (stopped_by_user, Status.STOPPED),
}
