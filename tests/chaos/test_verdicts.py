"""The campaign's verdicts: what needs the owner legitimately, what is a loss."""

from __future__ import annotations

import pytest

from tests.chaos.verdicts import exception_key, explaining_fault, legitimate_cause


@pytest.mark.parametrize(
    ("status", "history", "replaced", "cause"),
    [
        ("logged_out", ["disconnect", "logout"], 0, "logout"),
        ("failed", ["corrupt_store"], 0, "corrupt_store"),
        ("outdated", ["network_flap", "outdated"], 0, "outdated"),
        ("replaced", ["replaced"], 2, "replaced x2"),
        # Losses: a transient fault never needs the owner.
        ("logged_out", ["disconnect"], 0, None),
        ("failed", ["engine_kill9", "disconnect"], 0, None),
        ("logged_out", ["corrupt_store"], 0, None),
        ("outdated", [], 0, None),
        ("replaced", ["replaced"], 1, None),
        ("stopped", ["logout", "outdated"], 0, None),
        ("qr", ["logout"], 0, None),
    ],
)
def test_legitimate_cause(
    status: str, history: list[str], replaced: int, cause: str | None
) -> None:
    assert legitimate_cause(status, history, replaced) == cause


def test_a_full_disk_explains_only_its_own_exceptions() -> None:
    enospc = {"msg": "sealing failed", "exc": "Traceback...\nOSError: [Errno 28] No space left"}
    other = {"msg": "sealing failed", "exc": "Traceback...\nKeyError: 'x'"}
    assert explaining_fault(enospc, {"disk_full", "logout"}) == "disk_full"
    assert explaining_fault(enospc, {"logout"}) is None
    assert explaining_fault(other, {"disk_full"}) is None
    assert exception_key(other) == "sealing failed | KeyError: 'x'"
