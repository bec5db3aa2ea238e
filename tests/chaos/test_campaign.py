"""The app-level chaos campaign, short version (CI); the long one on demand.

    LILA_CHAOS_RUNS=200 .venv/bin/pytest tests/chaos -m chaos   # long (about 30 min)

See tests/chaos/campaign.py for the faults and the invariants. The second
test proves the campaign can fail: against a product that reads a 408 as a
logout (tests/chaos/fast_app.py MUTANTS) it must report the lost numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.chaos.campaign import ENDINGS, Campaign, Config, config_from_env

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
    assert len(report.endings) == min(config.runs, len(ENDINGS)) + 1  # + the final clean one
    assert report.endings["final_clean"] == 1
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
    # Every press of the owner's buttons had a fault that legitimately needed it.
    assert not [a for a in report.owner_actions if a.endswith("NO CAUSE")], report.owner_actions


@pytest.mark.timeout(90)
def test_the_campaign_sees_a_mutant_that_drops_credentials_on_a_408(tmp_path: Path) -> None:
    config = Config(
        runs=1,
        sessions=2,
        steps=2,
        faults={"disconnect": 1},
        transient=(408,),
        keyring_gone_every=1000,
        env={"LILA_CHAOS_MUTANT": "408-logout"},
    )
    report = Campaign(tmp_path, config).run()
    lost = [v for v in report.violations if "no_owner_needed_without_cause" in v]
    assert lost, f"the campaign did not see the lost numbers: {report.as_dict()}"
    assert all("logged_out" in v and "disconnect" in v for v in lost), lost
    assert report.owner_actions["restore logged_out after NO CAUSE"] >= 1
    # The last life still ended cleanly, with its checks.
    assert report.endings["final_clean"] == 1
    assert report.checks["clean_exit"] >= 1
