"""The settings schema: defaults, ranges, and what a stored file may hold."""

from __future__ import annotations

import pytest

from lila_desktop.core.settings import Settings, SettingsError


def test_defaults_match_the_product() -> None:
    s = Settings()
    assert (s.keep_backups, s.grace_period_minutes, s.api_port, s.language) == (
        5,
        2,
        3001,
        "system",
    )
    assert s.grace_period_seconds == 120.0
    assert Settings.from_dict(s.to_dict()) == s


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("keep_backups", 0, "from 1 to 50"),
        ("keep_backups", 51, "from 1 to 50"),
        ("grace_period_minutes", 61, "from 1 to 60"),
        ("api_port", 80, "from 1024 to 65535"),
        ("api_port", True, "whole number"),
        ("api_port", "3001", "whole number"),
        ("notifications", 1, "true or false"),
        ("language", "fr", "system, en, es"),
    ],
)
def test_bad_values_are_refused_with_what_is_allowed(field: str, value: object, words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_dict({field: value})


def test_unknown_keys_are_ignored_and_missing_ones_default() -> None:
    s = Settings.from_dict({"keep_backups": 9, "from_a_newer_version": 1})
    assert s == Settings(keep_backups=9)
    assert s.with_changes(language="es").language == "es"
