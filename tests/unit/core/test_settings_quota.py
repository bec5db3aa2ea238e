"""The quota's settings in the schema: monthly limit and company id."""

from __future__ import annotations

import pytest

from lila_desktop.core.quota import DEFAULT_LIMIT
from lila_desktop.core.settings import MAX_COMPANY_ID, QUOTA_LIMIT_RANGE, Settings, SettingsError


def test_defaults() -> None:
    s = Settings()
    assert (s.quota_limit, s.company_id) == (DEFAULT_LIMIT, "") == (1000, "")
    assert QUOTA_LIMIT_RANGE == (1, 1_000_000)
    assert "mongodb" not in str(s.to_dict()).lower(), "the URI is never a plain setting"


@pytest.mark.parametrize("limit", [1, 1000, 1_000_000])
def test_limits_in_range(limit: int) -> None:
    assert Settings.from_dict({"quota_limit": limit}).quota_limit == limit


@pytest.mark.parametrize("limit", [0, -5, 1_000_001, True, "1000", 10.0, None])
def test_limits_out_of_range_say_the_range(limit: object) -> None:
    with pytest.raises(SettingsError, match=r"monthly message limit .* from 1 to 1000000"):
        Settings.from_dict({"quota_limit": limit})


@pytest.mark.parametrize(
    "company", ["", "acme", "64f0c0ffee0123456789abcd", "Tienda Ñandú", "x" * 100]
)
def test_company_ids_accepted(company: str) -> None:
    assert Settings(company_id=company).company_id == company


@pytest.mark.parametrize(
    "company", [" acme", "acme ", "ac\nme", "a\tb", "x" * (MAX_COMPANY_ID + 1), 7, None]
)
def test_company_ids_refused_with_what_to_do(company: object) -> None:
    with pytest.raises(SettingsError, match=r"company id .* leave it empty"):
        Settings.from_dict({"company_id": company})
