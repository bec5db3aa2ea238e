"""The app-level chaos campaign, short version (CI); the long one on demand.

    LILA_CHAOS_RUNS=200 .venv/bin/pytest tests/chaos -m chaos   # long (about 30 min)

See tests/chaos/campaign.py for the faults and the invariants.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.chaos.campaign import ENDINGS, Campaign, config_from_env

pytestmark = pytest.mark.chaos

LONG = bool(int(os.environ.get("LILA_CHAOS_RUNS", "0") or 0))
SHORT = {"runs": 6, "sessions": 3, "steps": 5}
TIMEOUT = 110 if not LONG else 60 * int(os.environ["LILA_CHAOS_RUNS"])


@pytest.mark.timeout(TIMEOUT)
def test_faults_never_lose_a_linked_number(tmp_path: Path) -> None:
    config = config_from_env(**SHORT)
    report = Campaign(tmp_path, config).run()
    assert report.violations == [], "\n".join(report.violations)
    # The campaign really did its work: every run, every ending, every invariant.
    assert report.runs == config.runs
    assert len(report.endings) == min(config.runs, len(ENDINGS))
    assert sum(report.faults.values()) >= config.runs * config.steps
    for invariant in (
        "linked_back",
        "no_qr_after_transient",
        "no_unhandled_exception",
        "no_half_written_file",
        "engine_exits_with_app",
        "no_plaintext_after_shutdown",
        "clean_exit",
        "keyring_refused",
        "keyring_nothing_changed",
    ):
        assert report.checks[invariant] > 0, invariant
