"""Reconnect backoff: 1 s, 2 s, 4 s … capped at 60 s, ± 20 % jitter."""

from __future__ import annotations

import dataclasses
import random

import pytest

from lila_desktop.core.backoff import DEFAULT_BACKOFF, Backoff


@pytest.mark.parametrize(
    ("failures", "nominal"),
    [
        pytest.param(-5, 0.0, id="negative"),
        pytest.param(0, 0.0, id="no-failure"),
        pytest.param(1, 1.0, id="1st"),
        pytest.param(2, 2.0, id="2nd"),
        pytest.param(3, 4.0, id="3rd"),
        pytest.param(6, 32.0, id="6th"),
        pytest.param(7, 60.0, id="7th-capped"),
        pytest.param(100, 60.0, id="100th"),
        pytest.param(10**9, 60.0, id="huge-no-overflow"),
    ],
)
def test_nominal_doubles_up_to_the_cap(failures: int, nominal: float) -> None:
    assert DEFAULT_BACKOFF.nominal(failures) == nominal
    assert Backoff(jitter=0.0).delay(failures) == nominal


@pytest.mark.parametrize("failures", [1, 2, 3, 4, 5, 6, 7, 8, 50])
def test_jitter_stays_within_20_percent_and_under_the_cap(failures: int) -> None:
    nominal = DEFAULT_BACKOFF.nominal(failures)
    delays = [DEFAULT_BACKOFF.delay(failures, random.Random(seed)) for seed in range(500)]
    assert all(nominal * 0.8 <= d <= min(60.0, nominal * 1.2) for d in delays)
    # The jitter really spreads the retries (many numbers never retry in lockstep).
    assert min(delays) < nominal * 0.85
    if nominal < 60.0:
        assert max(delays) > nominal * 1.15
        assert len(set(delays)) > 400
    # At the cap the jitter goes only downward (next test): every delay spreads.
    assert len(set(delays)) > 490


def test_at_the_cap_retries_spread_below_it_never_in_lockstep() -> None:
    """Jitter clamped at the cap would put half of the numbers on exactly 60 s,
    retrying together: at the cap it only goes downward."""
    for failures in (7, 8, 50, 10**6):
        delays = [DEFAULT_BACKOFF.delay(failures, random.Random(seed)) for seed in range(500)]
        assert not [d for d in delays if d >= 60.0]
        assert 48.0 <= min(delays) < 49.0 and 59.0 < max(delays) < 60.0
        # Spread over the whole 48..60 s band, not bunched near one end.
        assert 20 <= sum(d >= 54.0 for d in delays) * 100 / len(delays) <= 80


def test_same_seed_same_delays() -> None:
    a = [DEFAULT_BACKOFF.delay(n, random.Random(42)) for n in range(1, 10)]
    b = [DEFAULT_BACKOFF.delay(n, random.Random(42)) for n in range(1, 10)]
    assert a == b


def test_without_an_rng_the_module_random_is_used_and_in_range() -> None:
    for _ in range(200):
        assert 3.2 <= DEFAULT_BACKOFF.delay(3) <= 4.8


def test_no_failure_means_no_wait_even_with_jitter() -> None:
    assert DEFAULT_BACKOFF.delay(0, random.Random(1)) == 0.0


@pytest.mark.parametrize(
    ("backoff", "failures", "expected"),
    [
        pytest.param(Backoff(base=0.5, cap=10.0, jitter=0.0), 1, 0.5, id="half-second-base"),
        pytest.param(Backoff(base=0.5, cap=10.0, jitter=0.0), 5, 8.0, id="below-small-cap"),
        pytest.param(Backoff(base=0.5, cap=10.0, jitter=0.0), 6, 10.0, id="small-cap"),
        pytest.param(Backoff(base=3.0, cap=60.0, jitter=0.0), 5, 48.0, id="base-3"),
    ],
)
def test_custom_base_and_cap(backoff: Backoff, failures: int, expected: float) -> None:
    assert backoff.delay(failures) == expected


def test_full_jitter_never_goes_negative() -> None:
    wild = Backoff(jitter=1.0)
    assert all(0.0 <= wild.delay(3, random.Random(s)) <= 8.0 for s in range(300))


def test_backoff_is_an_immutable_value() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_BACKOFF.cap = 5.0  # type: ignore[misc]
    assert Backoff(base=1.0, cap=60.0, jitter=0.2) == DEFAULT_BACKOFF


def test_without_jitter_no_randomness_is_drawn() -> None:
    """A policy run stays reproducible: no jitter, no draw from the seeded rng."""
    rng = random.Random(7)
    assert Backoff(jitter=0.0).delay(3, rng) == 4.0
    assert rng.random() == random.Random(7).random()


def test_full_jitter_really_spreads() -> None:
    wild = Backoff(jitter=1.0)
    assert len({wild.delay(3, random.Random(s)) for s in range(50)}) > 40
