"""The campaign's verdicts: what needs the owner legitimately, what is a loss."""

from __future__ import annotations

import random

import pytest

from lila_desktop.core.events import (
    Connected,
    Disconnected,
    Event,
    RetryDue,
    StreamReplaced,
    UserStart,
)
from lila_desktop.core.policy import DEFAULT_CONFIG, SessionState, transition
from lila_desktop.core.status import Status
from tests.chaos.fast_app import scaled_policy
from tests.chaos.verdicts import (
    ReplacedTrail,
    exception_key,
    explaining_fault,
    legitimate_cause,
    presses_allowed,
    replaced_twice,
    restore_answer,
    status_lines,
)

# The campaign's policy (fast_app): its stable-connection threshold, not a copy.
STABLE = scaled_policy(0.05).stable_after
NONE = ReplacedTrail()


@pytest.mark.parametrize(
    ("status", "history", "cause"),
    [
        ("logged_out", ["disconnect", "logout"], "logout"),
        ("failed", ["corrupt_store"], "corrupt_store"),
        ("outdated", ["network_flap", "outdated"], "outdated"),
        # Losses: a transient fault never needs the owner.
        ("logged_out", ["disconnect"], None),
        ("failed", ["engine_kill9", "disconnect"], None),
        ("logged_out", ["corrupt_store"], None),
        ("outdated", [], None),
        ("replaced", ["replaced"], None),
        ("stopped", ["logout", "outdated"], None),
        ("qr", ["logout"], None),
    ],
)
def test_legitimate_cause(status: str, history: list[str], cause: str | None) -> None:
    assert legitimate_cause(status, history, NONE, STABLE) == cause


def _trail(faults: list[float], connected: list[tuple[float, float]]) -> ReplacedTrail:
    """'replaced' at `faults`; connected over each (start, end), reconnecting between."""
    statuses: list[tuple[float, str]] = []
    for start, end in connected:
        statuses += [(start, "connected"), (end, "replaced" if end in faults else "reconnecting")]
    return ReplacedTrail(faults=faults, statuses=statuses)


def test_the_stable_threshold_is_the_policys() -> None:
    assert DEFAULT_CONFIG.stable_after * 0.05 == STABLE


@pytest.mark.parametrize(
    ("faults", "connected", "restarts", "parks"),
    [
        # The seen runs: replaced, retried, connected (for less than stable), replaced.
        ([10.0], [(0.0, 10.0)], [], False),
        ([10.0, 13.0], [(0.0, 10.0), (11.6, 13.0)], [], True),
        # Through a drop: neither connection was stable, so the count stands.
        ([10.0, 16.0], [(0.0, 10.0), (11.6, 13.0), (13.5, 16.0)], [], True),
        # Far apart yet never stable in between: the policy parks (a 10 s window did not).
        ([10.0, 40.0], [(0.0, 10.0), (38.0, 40.0)], [], True),
        # Losses: a stable connection between them starts the count again.
        ([10.0, 16.0], [(0.0, 10.0), (11.6, 11.6 + STABLE), (15.0, 16.0)], [], False),
        ([10.0, 12.0 + STABLE], [(0.0, 10.0), (12.0, 12.0 + STABLE)], [], False),
        # ... and so does a new start of the app, or a restore, between them.
        ([10.0, 13.0], [(0.0, 10.0), (11.6, 13.0)], [12.0], False),
        # Parked before a restart: still the pair that parked it.
        ([10.0, 13.0], [(0.0, 10.0), (11.6, 13.0)], [1.0, 20.0], True),
    ],
)
def test_replaced_follows_the_policys_rule(
    faults: list[float],
    connected: list[tuple[float, float]],
    restarts: list[float],
    parks: bool,
) -> None:
    trail = _trail(faults, connected)
    trail.restarts += restarts
    assert replaced_twice(trail, STABLE) is parks
    assert legitimate_cause("replaced", [], trail, STABLE) == ("replaced x2" if parks else None)


def test_status_lines_come_from_the_apps_log() -> None:
    lines = [
        {"ts": 1.5, "event": "status", "phone": "1", "status": "connected"},
        {"ts": 2.0, "event": "status", "phone": "2", "status": "connected"},
        {"ts": 2.5, "msg": "status changed", "phone": "1"},
        {"ts": 3.0, "event": "status", "phone": "1", "status": "replaced"},
    ]
    assert status_lines(lines, "1") == [(1.5, "connected"), (3.0, "replaced")]
    trail = ReplacedTrail(faults=[1.0, 3.0]).with_statuses(status_lines(lines, "1"))
    assert replaced_twice(trail, STABLE)
    assert not replaced_twice(trail, 1.0)


def test_a_corrupt_store_explains_an_unreadable_store() -> None:
    line = {"msg": "action BackupStore failed", "exc": "...\nStoreUnreadable: cannot read"}
    assert explaining_fault(line, {"corrupt_store"}) == "corrupt_store"
    assert explaining_fault(line, {"disconnect"}) is None


def test_a_full_disk_explains_only_its_own_exceptions() -> None:
    enospc = {"msg": "sealing failed", "exc": "Traceback...\nOSError: [Errno 28] No space left"}
    other = {"msg": "sealing failed", "exc": "Traceback...\nKeyError: 'x'"}
    assert explaining_fault(enospc, {"disk_full", "logout"}) == "disk_full"
    assert explaining_fault(enospc, {"logout"}) is None
    assert explaining_fault(other, {"disk_full"}) is None
    assert exception_key(other) == "sealing failed | KeyError: 'x'"


@pytest.mark.parametrize("up_for", [STABLE * 0.5, STABLE * 0.99, STABLE, STABLE * 2])
@pytest.mark.parametrize("drop", [False, True])
def test_the_verdict_agrees_with_the_policy(up_for: float, drop: bool) -> None:
    """The real policy run through the campaign's story: replaced, retried,
    connected `up_for` (with or without a drop in it), replaced again."""
    config = scaled_policy(0.05)
    rng = random.Random(1)
    state, now = SessionState(), 0.0
    statuses: list[tuple[float, str]] = []

    def feed(event: Event) -> None:
        nonlocal state
        before = state.status
        state, _ = transition(state, event, now, config, rng)
        if state.status is not before:
            statuses.append((now, state.status.value))

    feed(UserStart())
    feed(Connected())
    now = 100.0
    feed(StreamReplaced())
    faults = [now]
    now += config.replaced_retry_delay
    feed(RetryDue(state.retry_token))
    feed(Connected())
    if drop:
        now += up_for / 2
        feed(Disconnected(408, "stream error 408"))
        feed(RetryDue(state.retry_token))
        feed(Connected())
        now += up_for / 2
    else:
        now += up_for
    feed(StreamReplaced())
    faults.append(now)
    parked = state.status is Status.REPLACED and state.next_retry_at is None
    assert replaced_twice(ReplacedTrail(faults=faults, statuses=statuses), STABLE) is parked
    assert parked is ((up_for / 2 if drop else up_for) < STABLE)  # both ways seen


def _answer(status: str, accepted: bool, message: str) -> dict[str, object]:
    return {"data": {"status": status, "accepted": accepted}, "message": message}


UPDATE = "The backup is back in place. WhatsApp says this version of Lila Desktop is too old."
REMOVED = "WhatsApp did not accept this backup: the phone removed this device, ..."


@pytest.mark.parametrize(
    ("body", "history", "answer"),
    [
        (_answer("connected", True, "Restored"), ["logout"], (True, None)),
        # A 405 at the restored login after an 'outdated' fault: the owner updates next.
        (
            _answer("outdated", False, UPDATE),
            ["logout", "outdated"],
            (True, "outdated after outdated"),
        ),
        # Losses: the update need told as a removal, a need no fault explains, a logout.
        (_answer("outdated", False, REMOVED), ["logout", "outdated"], (False, None)),
        (_answer("outdated", False, UPDATE), ["logout"], (False, None)),
        (_answer("logged_out", False, REMOVED), ["logout"], (False, None)),
        (_answer("replaced", False, UPDATE), ["logout", "replaced"], (False, None)),
        ({"success": False}, ["logout"], (False, None)),
    ],
)
def test_restore_answer(
    body: dict[str, object], history: list[str], answer: tuple[bool, str | None]
) -> None:
    assert restore_answer(body, history, NONE, STABLE) == answer


@pytest.mark.parametrize(
    ("status", "history", "allowed"),
    [
        ("outdated", ["outdated"], 1),
        # Two refusals: the second reached the fresh simulated server of a new app life.
        ("outdated", ["outdated", "engine_crash", "outdated"], 2),
        ("logged_out", ["logout", "logout"], 2),
        ("outdated", [], 1),  # still one press: the verdict then names no cause
        ("replaced", ["replaced", "replaced", "replaced"], 1),
        ("qr", ["outdated", "outdated"], 1),
    ],
)
def test_the_owner_is_asked_again_only_for_another_fault(
    status: str, history: list[str], allowed: int
) -> None:
    assert presses_allowed(status, history) == allowed
