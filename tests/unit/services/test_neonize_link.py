"""Hazard 14 against the real neonize: what reaches us before a device is paired.

Only the login-status callback speaks before pairing; the statuses enter
through the very ctypes callback neonize hands to Go. A number whose Go
set-up stays silent (here: a store another process holds locked, so Go waits
5 s in its set-up) must be reported, not left "connecting".
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.services.test_neonize_transport import events_of, one, run_probe

pytestmark = pytest.mark.neonize


@pytest.fixture(scope="module")
def link(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return run_probe("link", tmp_path_factory.mktemp("link"))


def _failure(message: str) -> dict[str, Any]:
    return {"event": "connect_failure", "code": None, "message": message}


# login status -> what follows the QR code (the offline DNS failure comes first).
EXPECTED = {
    "timeout": [{"event": "qr_expired"}],
    "outdated": [{"event": "outdated"}],
    "unexpected": [_failure("WhatsApp answered the link request in an unexpected way")],
    "error": [_failure("the link attempt broke off before the QR code was scanned")],
    "other": [_failure("the link attempt ended (err-something-new)")],
    "success": [],  # the pairing itself is reported by PairStatus
}


@pytest.mark.parametrize("label", list(EXPECTED))
def test_login_statuses_become_our_events(link: list[dict[str, Any]], label: str) -> None:
    events = events_of(link, label)
    assert [e["event"] for e in events[:2]] == ["connect_failure", "qr"]
    assert events[2:] == EXPECTED[label]


def test_a_qr_timeout_status_stops_the_attempt_and_counts_it(link: list[dict[str, Any]]) -> None:
    running = {line["label"]: line["running"] for line in link if line["kind"] == "link"}
    assert running["timeout"] is False and running["error"] is True  # the pool stops the rest
    # Every attempt here showed a QR and was stopped unpaired: each is an aborted link.
    assert one(link, "silent")["stats"]["aborted_links"] == len(EXPECTED)


def test_a_silent_set_up_is_reported_within_its_bound(link: list[dict[str, Any]]) -> None:
    silent = one(link, "silent")
    # connect() let the other numbers in after its set-up hold (0.5 s here) ...
    assert silent["connect_seconds"] < 1.0
    assert silent["stats"]["setup_timeouts"] == 1
    # ... and the silence became a failure the policy retries, within its bound (1 s here).
    assert silent["events"] == [
        _failure("WhatsApp did not answer within 1 s (no QR code, no connection)")
    ]
    assert silent["reported_after"] < 3.0
    # Go was still waiting on the lock when we stopped it: its thread is counted.
    assert silent["stats"]["lingering"] == 1
