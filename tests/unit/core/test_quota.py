"""Pure quota values: periods, status arithmetic, errors, limits, circuit breaker."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lila_desktop.core.quota import (
    DEFAULT_LIMIT,
    BreakerPhase,
    CircuitBreaker,
    CompanyNotFound,
    QuotaExceeded,
    QuotaStatus,
    QuotaUnavailable,
    current_period,
    parse_limit,
    validate_key,
)

LIMA = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("now", "period"),
    [
        (datetime(2026, 1, 28, 12, 30, tzinfo=UTC), "2026-01"),
        (datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), "2026-12"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "2027-01"),
        # 20:00 on 31 January in Lima is already February in UTC.
        (datetime(2026, 1, 31, 20, 0, tzinfo=LIMA), "2026-02"),
        (datetime(2026, 3, 1, 4, 59, tzinfo=LIMA), "2026-03"),
        (datetime(2026, 2, 28, 23, 0, tzinfo=LIMA), "2026-03"),
    ],
)
def test_current_period_is_the_utc_month(now: datetime, period: str) -> None:
    assert current_period(now) == period


def test_current_period_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        current_period(datetime(2026, 1, 1))


def test_status_remaining_never_negative_and_json_ready() -> None:
    status = QuotaStatus.of(
        company_id="c1", period="2026-01", limit=10, used=8, reserved=5, source="local"
    )
    assert status.remaining == 0
    assert (
        QuotaStatus.of(
            company_id="c1", period="2026-01", limit=10, used=3, reserved=2, source="portal"
        ).remaining
        == 5
    )
    data = json.loads(json.dumps(status.as_dict()))
    assert data == {
        "company_id": "c1",
        "period": "2026-01",
        "limit": 10,
        "used": 8,
        "reserved": 5,
        "remaining": 0,
        "source": "local",
        "portal_reachable": True,
        "stale": False,
    }


def test_status_clamps_negative_counts() -> None:
    status = QuotaStatus.of(
        company_id="c", period="2026-01", limit=5, used=-2, reserved=-1, source="portal"
    )
    assert (status.used, status.reserved, status.remaining) == (0, 0, 5)


def test_quota_exceeded_carries_code_status_and_a_human_message() -> None:
    status = QuotaStatus.of(
        company_id="c", period="2026-01", limit=1000, used=999, reserved=1, source="local"
    )
    exc = QuotaExceeded(status)
    assert exc.code == "WHATSAPP_QUOTA_EXCEEDED"
    assert exc.status is status
    assert "999 of 1000 in 2026-01" in str(exc)
    assert "1 being sent" in str(exc)
    assert QuotaUnavailable("x").code == "WHATSAPP_QUOTA_UNAVAILABLE"
    assert isinstance(CompanyNotFound("x"), QuotaUnavailable)
    assert CompanyNotFound("x").code == "WHATSAPP_COMPANY_NOT_FOUND"


@pytest.mark.parametrize("key", ["a", "msg-1f0c", "3EB0C0FFEE:51902049935", "x" * 200])
def test_valid_keys(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize("key", ["", " ", "has space", "x" * 201, "ñ", None, 5, "a\nb"])
def test_invalid_keys_are_refused_with_a_hint(key: object) -> None:
    with pytest.raises(ValueError, match="idempotency key"):
        validate_key(key)


@pytest.mark.parametrize(("raw", "value"), [("1000", 1000), (" 5 ", 5), (1, 1), ("0042", 42)])
def test_parse_limit_accepts_positive_integers(raw: object, value: int) -> None:
    assert parse_limit(raw) == value


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "abc", "", "1e3", "١٠", True, None, 0, -3, 2.0])
def test_parse_limit_refuses_the_rest(raw: object) -> None:
    with pytest.raises(ValueError, match="positive whole number"):
        parse_limit(raw, source="LILA_QUOTA_LIMIT")


def test_default_limit_is_the_portal_default() -> None:
    assert DEFAULT_LIMIT == 1000


# --- circuit breaker ---------------------------------------------------------


def test_breaker_opens_after_threshold_and_fails_fast() -> None:
    b = CircuitBreaker(failure_threshold=2, reset_after=10.0)
    ok, b = b.allow(0.0)
    assert ok
    b = b.record_failure(0.0)
    assert b.phase is BreakerPhase.CLOSED
    b = b.record_failure(1.0)
    assert b.phase is BreakerPhase.OPEN
    for t in (1.0, 5.0, 10.99):
        ok, b = b.allow(t)
        assert not ok
        assert b.phase is BreakerPhase.OPEN


def test_breaker_half_open_lets_exactly_one_probe_through() -> None:
    b = CircuitBreaker(failure_threshold=1, reset_after=10.0).record_failure(0.0)
    ok, b = b.allow(10.0)
    assert ok
    assert b.phase is BreakerPhase.HALF_OPEN
    ok2, b = b.allow(10.1)
    assert not ok2  # a second caller does not also wait on a maybe-dead server


@pytest.mark.parametrize(
    ("verdict", "phase"),
    [("success", BreakerPhase.CLOSED), ("failure", BreakerPhase.OPEN)],
)
def test_breaker_probe_verdict(verdict: str, phase: BreakerPhase) -> None:
    b = CircuitBreaker(failure_threshold=3, reset_after=5.0)
    for t in (0.0, 0.1, 0.2):
        b = b.record_failure(t)
    _, b = b.allow(6.0)
    b = b.record_success() if verdict == "success" else b.record_failure(6.5)
    assert b.phase is phase
    if phase is BreakerPhase.OPEN:
        # A failed probe opens again at once, not after `threshold` more failures.
        assert b.opened_at == 6.5
        assert b.allow(11.4)[0] is False
        assert b.allow(11.5)[0] is True
    else:
        assert b.failures == 0
        assert b.is_closed


def test_breaker_abandoned_probe_lets_the_next_caller_probe() -> None:
    b = CircuitBreaker(failure_threshold=1, reset_after=1.0).record_failure(0.0)
    _, b = b.allow(2.0)
    assert not b.allow(2.0)[0]
    b = b.abandon_probe()
    assert b.allow(2.0)[0]
    closed = CircuitBreaker()
    assert closed.abandon_probe() is closed


def test_breaker_success_resets_the_failure_count() -> None:
    b = CircuitBreaker(failure_threshold=2).record_failure(0.0).record_success()
    assert b.record_failure(1.0).phase is BreakerPhase.CLOSED


@pytest.mark.parametrize(("threshold", "reset"), [(0, 1.0), (1, 0.0), (1, -1.0)])
def test_breaker_refuses_nonsense_settings(threshold: int, reset: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=threshold, reset_after=reset)
