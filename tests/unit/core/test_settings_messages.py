"""A refused setting names itself (the key in settings.json and the words the
window uses) and what is allowed (mutation testing found these unchecked)."""

from __future__ import annotations

import pytest

from lila_desktop.core.settings import (
    API_PORT_RANGE,
    GRACE_MINUTES_RANGE,
    KEEP_BACKUPS_RANGE,
    MAX_COMPANY_ID,
    QUOTA_LIMIT_RANGE,
    Settings,
    SettingsError,
)


@pytest.mark.parametrize(
    ("key", "label", "bounds"),
    [
        ("keep_backups", "backups kept", KEEP_BACKUPS_RANGE),
        ("grace_period_minutes", "grace period (minutes)", GRACE_MINUTES_RANGE),
        ("api_port", "API port", API_PORT_RANGE),
        ("quota_limit", "monthly message limit", QUOTA_LIMIT_RANGE),
    ],
)
def test_a_number_out_of_range_is_refused_by_name_with_its_range(
    key: str, label: str, bounds: tuple[int, int]
) -> None:
    low, high = bounds
    for bad in (low - 1, high + 1, True, "5"):
        with pytest.raises(SettingsError) as refused:
            Settings(**{key: bad})
        assert str(refused.value) == (
            f"The {label} ({key}) must be a whole number from {low} to {high}."
        )
    assert getattr(Settings(**{key: low}), key) == low
    assert getattr(Settings(**{key: high}), key) == high


@pytest.mark.parametrize("bad", [" acme", "acme\n", "a" * (MAX_COMPANY_ID + 1), 7])
def test_a_company_id_that_could_never_match_is_refused_with_what_to_do(bad: object) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings(company_id=bad)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"The company id (company_id) must be text of at most {MAX_COMPANY_ID} characters, "
        "without line breaks or spaces around it; leave it empty to find the company "
        "by the sending number."
    )
