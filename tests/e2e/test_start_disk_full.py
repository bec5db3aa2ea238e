"""A start on a full disk says so plainly (found by the long chaos campaign).

The quota ledger and the outbox write as they open (recovery, settling), so
an app started on a full disk died with a traceback (exit 1) and every
number stayed offline without a word. Now it is a start refusal like the
others: one plain line, exit 2, nothing touched; freed, it starts as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness.app_process import AppProcess
from tests.chaos import invariants
from tests.e2e.small_disk import fill, small_disk

pytestmark = pytest.mark.e2e

PHONE = "51911000009"


def _credentials(data: Path) -> dict[str, str]:
    """The sealed stores and backups (the history log may gain a line or not)."""
    return {k: v for k, v in invariants.fingerprint(data).items() if k.startswith("sessions")}


@pytest.mark.timeout(120)
def test_a_start_on_a_full_disk_is_refused_plainly_and_nothing_is_lost(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with small_disk(data, "2m"):
        with AppProcess(data) as first:
            first.wait_ready(60)
            first.link(PHONE)
            assert first.terminate(60) == 0
        fill(data)
        before = _credentials(data)
        full = AppProcess(data)
        try:
            code = full.proc.wait(60)
        finally:
            full.close()
        said = " ".join(str(ln.get("msg")) for ln in full.lines)
        assert code == 2, f"exit {code}: {full.log_tail()}"
        assert "is full" in said and str(data) in said, said[-400:]
        assert full.unhandled() == []
        assert _credentials(data) == before, "a credential file changed"
        (data / "filler").unlink()
        with AppProcess(data) as again:
            again.wait_ready(60)
            again.poll(PHONE, lambda s: s["status"] == "connected")
            assert again.terminate(60) == 0
