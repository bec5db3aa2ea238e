"""A full disk is 507 DISK_FULL with what to do, on sends too (issue 13, finding 3).

The data folder on a small tmpfs: the quota ledger's SQLite then fails with
"database or disk is full" (or cannot even start its journal on first use),
which used to be a 500 INTERNAL_ERROR or an "unreadable, move it aside"
that gave the wrong advice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chaos.app_process import AppProcess
from tests.e2e.small_disk import fill, small_disk

pytestmark = pytest.mark.e2e

PHONE = "51911000021"
TO = "51911000099"


def _send(app: AppProcess, n: int) -> tuple[int, dict[str, object]]:
    resp = app.call("POST", f"/api/messages/{PHONE}/text", {"to": TO, "text": f"hola {n}"})
    return resp.status, resp.body


def _assert_disk_full(status: int, body: dict[str, object]) -> None:
    assert status == 507, body
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "DISK_FULL"
    assert "Free some space" in error["message"]


@pytest.mark.timeout(90)
def test_a_send_on_a_full_disk_answers_507(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with small_disk(data, "3m"):
        app = AppProcess(data)
        try:
            app.wait_ready(60)
            app.link(PHONE)
            fill(data)
            _assert_disk_full(*_send(app, 1))  # the ledger's first use: no room for its files
            (data / "filler").unlink()
            status, body = _send(app, 2)
            assert status == 200, body
            fill(data)
            for n in range(3, 6):  # the ledger is open now: SQLite's own "disk is full"
                _assert_disk_full(*_send(app, n))
            (data / "filler").unlink()
            status, body = _send(app, 6)
            assert status == 200, body
            quota = app.call("GET", f"/api/quota?phone={PHONE}").body["data"]
            assert quota["used"] == 2, quota  # the refused sends were not counted
            assert app.terminate(60) == 0
        finally:
            app.close()
        internal = [ln for ln in app.lines if "INTERNAL_ERROR" in str(ln) or "exc" in ln]
        assert internal == [], internal[:2]
