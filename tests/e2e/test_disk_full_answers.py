"""A full disk is 507 DISK_FULL with what to do, on sends too (issue 13, finding 3).

The data folder on a small tmpfs: the quota ledger's SQLite then fails with
"database or disk is full" (or cannot even start its journal on first use),
which used to be a 500 INTERNAL_ERROR or an "unreadable, move it aside"
that gave the wrong advice.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.harness.app_process import AppProcess
from tests.e2e.small_disk import fill, small_disk

pytestmark = pytest.mark.e2e

PHONE = "51911000021"
TO = "51911000099"
OUT = ("sent", "delivered", "read")


def _send(app: AppProcess, n: int) -> tuple[int, dict[str, object]]:
    resp = app.call("POST", f"/api/messages/{PHONE}/text", {"to": TO, "text": f"hola {n}"})
    return resp.status, resp.body


def _assert_disk_full(status: int, body: dict[str, object]) -> None:
    assert status == 507, body
    error = body["error"]
    assert isinstance(error, dict)
    assert error["code"] == "DISK_FULL"
    assert "Free some space" in error["message"]


def _went_out(app: AppProcess, status: int, body: dict[str, object]) -> None:
    """Accepted once there is space again: sent now (200) or queued (202), then out."""
    assert status in (200, 202), body
    data = body["data"]
    assert isinstance(data, dict)
    deadline = time.monotonic() + 30
    while app.call("GET", f"/api/messages/{data['id']}").body["data"]["status"] not in OUT:
        assert time.monotonic() < deadline, "the accepted message never went out"
        time.sleep(0.05)


@pytest.mark.timeout(90)
def test_a_send_on_a_full_disk_answers_507(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with small_disk(data, "3m"):
        app = AppProcess(data)
        try:
            app.wait_ready(60)
            app.link(PHONE)
            fill(data)
            _assert_disk_full(*_send(app, 1))  # the first write: no room for the files
            (data / "filler").unlink()
            _went_out(app, *_send(app, 2))
            fill(data)
            for n in range(3, 6):  # the databases are open now: SQLite's "disk is full"
                _assert_disk_full(*_send(app, n))
            (data / "filler").unlink()
            _went_out(app, *_send(app, 6))
            listed = app.call("GET", f"/api/messages?phone={PHONE}").body["data"]["messages"]
            assert sorted(m["text"] for m in listed) == ["hola 2", "hola 6"]  # no refused one
            quota = app.call("GET", f"/api/quota?phone={PHONE}").body["data"]
            assert quota["used"] + quota["reserved"] == 2, quota  # refused sends not counted
            assert app.terminate(60) == 0
        finally:
            app.close()
        internal = [ln for ln in app.lines if "INTERNAL_ERROR" in str(ln) or "exc" in ln]
        assert internal == [], internal[:2]
