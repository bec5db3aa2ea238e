"""The status model: the strings of PRODUCT.md §1 and the tray's summary colour."""

from __future__ import annotations

import pytest

from lila_desktop.core.status import Severity, Status, overall_severity, severity

SPEC_STRINGS = [
    "stopped",
    "connecting",
    "qr",
    "pairing",
    "connected",
    "reconnecting",
    "replaced",
    "temp_banned",
    "logged_out",
    "outdated",
    "failed",
]

TABLE = [
    # status, severity, needs_user, is_transient
    (Status.STOPPED, Severity.IDLE, False, False),
    (Status.CONNECTING, Severity.WORKING, False, True),
    (Status.QR, Severity.WORKING, False, False),
    (Status.PAIRING, Severity.WORKING, False, False),
    (Status.CONNECTED, Severity.OK, False, False),
    (Status.RECONNECTING, Severity.WORKING, False, True),
    (Status.REPLACED, Severity.ATTENTION, True, False),
    (Status.TEMP_BANNED, Severity.ATTENTION, False, True),
    (Status.LOGGED_OUT, Severity.ATTENTION, True, False),
    (Status.OUTDATED, Severity.ATTENTION, True, False),
    (Status.FAILED, Severity.ATTENTION, True, False),
]


def test_the_strings_are_exactly_the_specs() -> None:
    assert [s.value for s in Status] == SPEC_STRINGS
    assert {row[0] for row in TABLE} == set(Status)


@pytest.mark.parametrize(("status", "sev", "needs_user", "transient"), TABLE, ids=str)
def test_each_status(status: Status, sev: Severity, needs_user: bool, transient: bool) -> None:
    assert Status(status.value) is status and str(status) == status.value
    assert severity(status) is sev
    assert status.needs_user is needs_user
    assert status.is_transient is transient
    assert status.is_connected is (status is Status.CONNECTED)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param([], Severity.IDLE, id="no-sessions"),
        pytest.param([Status.CONNECTED], Severity.OK, id="one-connected"),
        pytest.param([Status.CONNECTED] * 5, Severity.OK, id="all-connected"),
        pytest.param([Status.STOPPED], Severity.IDLE, id="one-stopped"),
        pytest.param([Status.CONNECTED, Status.STOPPED], Severity.IDLE, id="idle-beats-ok"),
        pytest.param([Status.STOPPED, Status.QR], Severity.WORKING, id="working-beats-idle"),
        pytest.param(
            [Status.CONNECTED, Status.RECONNECTING, Status.CONNECTED],
            Severity.WORKING,
            id="one-reconnecting",
        ),
        pytest.param(
            [Status.RECONNECTING, Status.LOGGED_OUT, Status.CONNECTED],
            Severity.ATTENTION,
            id="attention-beats-all",
        ),
        pytest.param([Status.TEMP_BANNED], Severity.ATTENTION, id="banned"),
        pytest.param(list(Status), Severity.ATTENTION, id="every-status"),
    ],
)
def test_overall_severity_worst_wins(statuses: list[Status], expected: Severity) -> None:
    assert overall_severity(statuses) is expected
    assert overall_severity(list(reversed(statuses))) is expected  # order does not matter


def test_severity_strings() -> None:
    assert [s.value for s in Severity] == ["ok", "idle", "working", "attention"]


def test_unknown_status_string_is_refused() -> None:
    with pytest.raises(ValueError, match="'online' is not a valid Status"):
        Status("online")
