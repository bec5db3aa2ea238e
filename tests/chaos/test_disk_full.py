"""A full disk under the data folder, deterministically (the campaign does it at random).

The app keeps running, keeps every number connected, answers a backup it
cannot write with 507 DISK_FULL and plain words (not a 500), leaves no
half-written file, and saves again as soon as there is space.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness.app_process import PASSPHRASE, AppProcess
from lila_desktop.services.vault import PassphraseKeyStore
from tests.chaos import invariants
from tests.chaos.campaign import Campaign, Config
from tests.chaos.disk import Disk

pytestmark = pytest.mark.chaos

PHONE = "51960000000"


@pytest.mark.timeout(90)
def test_full_disk_is_reported_and_survived(tmp_path: Path) -> None:
    campaign = Campaign(tmp_path, Config(sessions=1))
    disk: Disk = campaign.disk
    disk.setup()
    app = AppProcess(
        campaign.data_dir,
        fast=True,
        env=campaign.disk.env() | {"LILA_CHAOS_POLICY_SCALE": "0.05"},
    )
    try:
        app.wait_ready(60)
        app.link(PHONE)
        disk.fill()
        campaign.churn(PHONE)  # something new to save
        resp = app.call("POST", f"/api/sessions/{PHONE}/backups")
        assert resp.status == 507, resp.body
        assert resp.body["error"]["code"] == "DISK_FULL"
        assert "Free some space" in resp.body["error"]["message"]
        # A drop means a seal that cannot be written: the number still comes back.
        start = app.mark()
        assert app.simulate(PHONE, "disconnect", code=428).status == 200
        app.wait_status(PHONE, "connected", 20, start)
        disk.free()
        campaign.churn(PHONE)
        resp = app.call("POST", f"/api/sessions/{PHONE}/backups")
        assert resp.status == 201, resp.body
        assert app.terminate(60) == 0
        assert app.unhandled() == []
        key = PassphraseKeyStore(campaign.data_dir, PASSPHRASE).load_key()
        assert key is not None
        assert invariants.check_files(campaign.data_dir, key) == []
        assert invariants.plaintext_at_rest(campaign.data_dir) == []
    finally:
        app.close()
        disk.teardown()
