"""The owner's settings: a pure, validated schema (no I/O; see services.settings_store).

Unknown keys in a stored file are ignored (a newer version may have written
them); a known key with a bad value is refused with a message that names the
setting and the allowed range, so a hand-edited file never silently turns into
something the owner did not choose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Final

from lila_desktop.core.quota import DEFAULT_LIMIT

LANGUAGES: Final = ("system", "en", "es")
KEEP_BACKUPS_RANGE: Final = (1, 50)
GRACE_MINUTES_RANGE: Final = (1, 60)
API_PORT_RANGE: Final = (1024, 65535)
QUOTA_LIMIT_RANGE: Final = (1, 1_000_000)
MAX_COMPANY_ID: Final = 100
SEND_INTERVAL_RANGE: Final = (0, 600)


class SettingsError(ValueError):
    """A setting with a value outside what it allows; str(e) says which and what is allowed."""


@dataclass(frozen=True)
class Settings:
    keep_backups: int = 5
    grace_period_minutes: int = 2
    start_on_login: bool = False
    notifications: bool = True
    api_enabled: bool = True
    api_port: int = 3001
    language: str = "system"
    # Messages a month for the local quota ledger (LILA_QUOTA_LIMIT overrides it;
    # the company portal's plan replaces it when a MongoDB URI is configured).
    quota_limit: int = DEFAULT_LIMIT
    # The portal's `companyId` to count against; empty: found by the sending number.
    # The MongoDB URI itself holds a password and lives in the keyring, not here.
    company_id: str = ""
    # Seconds between two messages of one number (plus up to half again at random):
    # WhatsApp treats bursts as spam and may ban the number. 0 sends at once.
    send_interval_seconds: int = 3
    # WhatsApp shows customers an "AI/bot" label on messages marked as a bot's
    # (neonize adds that mark unless told not to): off unless the owner wants it.
    bot_label: bool = False

    def __post_init__(self) -> None:
        _check_int("keep_backups", self.keep_backups, KEEP_BACKUPS_RANGE, "backups kept")
        _check_int(
            "grace_period_minutes",
            self.grace_period_minutes,
            GRACE_MINUTES_RANGE,
            "grace period (minutes)",
        )
        _check_int("api_port", self.api_port, API_PORT_RANGE, "API port")
        for name in ("start_on_login", "notifications", "api_enabled", "bot_label"):
            if not isinstance(getattr(self, name), bool):
                raise SettingsError(f"{name} must be true or false.")
        _check_int("quota_limit", self.quota_limit, QUOTA_LIMIT_RANGE, "monthly message limit")
        _check_company_id(self.company_id)
        _check_int(
            "send_interval_seconds",
            self.send_interval_seconds,
            SEND_INTERVAL_RANGE,
            "pause between messages of a number (seconds)",
        )
        if self.language not in LANGUAGES:
            raise SettingsError(
                f"language must be one of {', '.join(LANGUAGES)}; got {self.language!r}."
            )

    @property
    def grace_period_seconds(self) -> float:
        return self.grace_period_minutes * 60.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Build from stored values; missing keys take their defaults, unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _check_int(name: str, value: object, bounds: tuple[int, int], label: str) -> None:
    low, high = bounds
    # bool is an int subclass: `true` for a port is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SettingsError(f"The {label} ({name}) must be a whole number from {low} to {high}.")


def _check_company_id(value: object) -> None:
    # Spaces around an id or a line break in it would never match the portal's
    # companyId: refuse them here instead of sending against nobody.
    if (
        not isinstance(value, str)
        or len(value) > MAX_COMPANY_ID
        or value != value.strip()
        or not value.isprintable()
    ):
        raise SettingsError(
            f"The company id (company_id) must be text of at most {MAX_COMPANY_ID} characters, "
            "without line breaks or spaces around it; leave it empty to find the company "
            "by the sending number."
        )
