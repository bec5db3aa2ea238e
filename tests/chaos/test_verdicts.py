"""The campaign's verdicts: what needs the owner legitimately, what is a loss."""

from __future__ import annotations

import pytest

from tests.chaos.verdicts import exception_key, explaining_fault, legitimate_cause


@pytest.mark.parametrize(
    ("status", "history", "replaced", "cause"),
    [
        ("logged_out", ["disconnect", "logout"], [], "logout"),
        ("failed", ["corrupt_store"], [], "corrupt_store"),
        ("outdated", ["network_flap", "outdated"], [], "outdated"),
        ("replaced", ["replaced"], [5.0, 9.0], "replaced x2"),
        ("replaced", [], [1.0, 30.0, 33.0], "replaced x2"),  # parked before a restart
        # Losses: a transient fault never needs the owner.
        ("logged_out", ["disconnect"], [], None),
        ("failed", ["engine_kill9", "disconnect"], [], None),
        ("logged_out", ["corrupt_store"], [], None),
        ("outdated", [], [], None),
        ("replaced", ["replaced"], [1.0], None),
        ("replaced", ["replaced"], [1.0, 30.0], None),  # far apart: each retried
        ("stopped", ["logout", "outdated"], [], None),
        ("qr", ["logout"], [], None),
    ],
)
def test_legitimate_cause(
    status: str, history: list[str], replaced: list[float], cause: str | None
) -> None:
    assert legitimate_cause(status, history, replaced) == cause


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
