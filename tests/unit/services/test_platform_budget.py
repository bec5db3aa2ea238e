"""The engine's resource budget is measured per platform."""

from __future__ import annotations

import sys

import pytest

from lila_desktop.services.engine.process import WINDOWS_HANDLE_BUDGET, fd_budget


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file limit")
def test_posix_budget_is_half_the_file_limit() -> None:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert fd_budget() == max(64, min(soft if soft > 0 else 4096, 4096) // 2)


def test_windows_budget_counts_handles_not_a_posix_file_limit() -> None:
    """Windows reports every kernel handle (threads, events, keys: hundreds at rest,
    ~20 per session); a budget of 256 recycled a healthy engine every 30 s."""
    assert fd_budget("win32") == WINDOWS_HANDLE_BUDGET
    assert WINDOWS_HANDLE_BUDGET >= 20 * 200 + 1000  # 200 sessions with room for the leak
