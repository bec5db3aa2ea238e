"""The neonize transport against the real neonize 0.5.2 (offline: DNS fails here).

neonize never runs in this process: a Go panic would abort the test run.
Each test runs `neonize_probe.py` in a child Python and reads its JSON lines.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.neonize

ROOT = Path(__file__).resolve().parents[3]
PROBE = Path(__file__).with_name("neonize_probe.py")
SCHEMA = ROOT / "lila_desktop" / "resources" / "whatsmeow_schema.sql"
MB = 1024 * 1024


def run_probe(scenario: str, workdir: Path) -> list[dict[str, Any]]:
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(PROBE), scenario, str(workdir)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, (
        f"probe {scenario} exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert lines and lines[-1] == {"kind": "exit"}, proc.stderr[-4000:]
    return lines


def one(lines: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found = [line for line in lines if line["kind"] == kind]
    assert len(found) == 1, f"expected one {kind!r} line, got {found}"
    return found[0]


def events_of(lines: list[dict[str, Any]], client: str) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in line.items() if k not in ("kind", "client", "t")}
        for line in lines
        if line["kind"] == "event" and line["client"] == client
    ]


def _counts(stats: dict[str, Any]) -> dict[str, Any]:
    return {"connects": stats["connects"], "clients": stats["clients"]}


def _is_dns_failure(event: dict[str, Any]) -> bool:
    return (
        event["event"] == "connect_failure"
        and event["code"] is None
        and "web.whatsapp.com" in event["message"]
    )


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], Path]:
    work = tmp_path_factory.mktemp("offline")
    return run_probe("offline", work), work / "a.db"


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return run_probe("events", tmp_path_factory.mktemp("events"))


def test_neonize_is_never_imported_by_pytest() -> None:
    assert "neonize" not in sys.modules


def test_offline_connect_reports_the_dns_failure_quickly(
    offline: tuple[list[dict[str, Any]], Path],
) -> None:
    lines, store = offline
    before = one(lines, "before_connect")
    assert before["store_exists"] is False  # lazily: nothing happens before connect()
    assert _counts(before["stats"]) == {"connects": 0, "clients": 1}
    events = events_of(lines, "a")
    assert len(events) == 1 and _is_dns_failure(events[0]), events
    assert one(lines, "first_event")["seconds"] < 2.0  # measured ~0.02 s
    done = one(lines, "done")
    assert _counts(done["stats"]) == {"connects": 1, "clients": 0}
    # Every lifecycle event (PairStatus=2 ... Disconnected=12) and receipts (18, for the
    # outbox) were subscribed before connect.
    assert done["handlers"] == [*range(2, 13), 18]
    assert done["store_size"] > 0 and store.exists()


def _schema(con: sqlite3.Connection) -> dict[str, Any]:
    tables = {
        name: [tuple(col[1:6]) for col in con.execute(f"PRAGMA table_info({name})")]
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        )
    }
    indexes = sorted(
        name
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='index'")
        if not name.startswith("sqlite_autoindex")
    )
    version = con.execute("SELECT version, compat FROM whatsmeow_version").fetchall()
    return {"tables": tables, "indexes": indexes, "version": version}


def test_store_schema_matches_the_resource_dump(
    offline: tuple[list[dict[str, Any]], Path],
) -> None:
    _, store = offline
    expected_db = sqlite3.connect(":memory:")
    real_db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        expected_db.executescript(SCHEMA.read_text(encoding="utf-8"))
        expected, real = _schema(expected_db), _schema(real_db)
        assert real_db.execute("SELECT count(*) FROM whatsmeow_device").fetchone() == (0,)
    finally:
        expected_db.close()
        real_db.close()
    assert sorted(real["tables"]) == sorted(expected["tables"]), "tables drifted"
    assert real == expected, "columns, indexes or schema version drifted from the resource dump"


def test_twenty_serial_clients_do_not_crash(tmp_path: Path) -> None:
    lines = run_probe("many", tmp_path)
    done = one(lines, "done")
    assert _counts(done["stats_live"]) == {"connects": 20, "clients": 20}
    assert _counts(done["stats_after"]) == {"connects": 20, "clients": 0}
    for i in range(20):
        events = events_of(lines, f"c{i}")
        assert len(events) == 1 and _is_dns_failure(events[0]), (i, events)
    rss = done["rss_clients"]
    first = rss[0] - done["rss_after_import"]
    per_client = (rss[-1] - rss[0]) / (len(rss) - 1)
    print(  # measurements for the report (pytest -s)
        f"RSS: before import {done['rss_before_import'] / MB:.1f} MB, after import "
        f"{done['rss_after_import'] / MB:.1f} MB, first client +{first / MB:.2f} MB, "
        f"each further client +{per_client / MB:.2f} MB, fds {done['fds_before']} -> "
        f"{done['fds_after']} after 20 connects and stops"
    )
    assert per_client < 3 * MB  # measured ~0.5 MB offline


def test_stop_is_idempotent_and_silences_the_client(tmp_path: Path) -> None:
    lines = run_probe("stop", tmp_path)
    a = one(lines, "a")
    assert a["connect"]["code"] == "BAD_REQUEST" and a["store_exists"] is False
    done = one(lines, "done")
    # connect() returns once Go is past its set-up (hazard 13): offline that is
    # the DNS failure, so b reported it before its stop. c saw its failure, then
    # synthetic events after stop() were dropped.
    assert done["events"] == {"a": [], "b": ["connect_failure"], "c": ["connect_failure"]}
    assert _counts(done["stats"]) == {"connects": 2, "clients": 0}
    c = one(lines, "c")
    for request in ("send", "pair", "logout"):
        assert c[request]["code"] == "NOT_RUNNING", c


def test_unusable_stores_and_paths(tmp_path: Path) -> None:
    lines = run_probe("corrupt", tmp_path)
    assert events_of(lines, "garbage") == [
        {"event": "store_corrupt", "reason": "file is not a database"}
    ]
    assert events_of(lines, "malformed") == [
        {"event": "store_corrupt", "reason": "database disk image is malformed"}
    ]
    # A store another process holds locked is busy, not broken: never quarantine it.
    [locked] = events_of(lines, "locked")
    assert locked["event"] == "connect_failure" and "database is locked" in locked["message"]
    paths = one(lines, "paths")
    assert paths["bad"]["code"] == "BAD_REQUEST" and "#" in paths["bad"]["error"]
    assert paths["missing_dir"]["code"] == "BAD_REQUEST"
    assert "does not exist" in paths["missing_dir"]["error"]
    assert _counts(one(lines, "done")["stats"]) == {"connects": 4, "clients": 0}


def _dc(code: int | None, reason: str) -> dict[str, Any]:
    return {"event": "disconnected", "code": code, "reason": reason}


# neonize event (as Go delivers it) -> what the pool receives, in sequence.
EXPECTED_STEPS: dict[str, list[dict[str, Any]]] = {
    "connected": [{"event": "connected"}],
    "keepalive_recent": [],  # one missed keep-alive: whatsmeow keeps trying for 3 min
    "keepalive_1": [_dc(408, "keep-alive timeout")],  # silent since long ago
    "keepalive_2": [],  # the same drop
    "disconnected_same_drop": [],  # the socket closing after it: still the same drop
    "keepalive_restored": [],  # re-arms only (see the adapter)
    "keepalive_again": [_dc(408, "keep-alive timeout")],
    "connected_2": [{"event": "connected"}],
    "disconnected": [],  # whatsmeow reconnects at once by itself ...
    "connected_3": [],  # ... and did, within the grace: the pool never saw a drop
    "disconnected_wait": [_dc(None, "connection lost")],  # not back within the grace
    "connected_4": [{"event": "connected"}],
    "stream_error_515": [_dc(515, "stream error 515")],
    "stream_error_conflict": [{"event": "replaced"}],
    "stream_replaced": [{"event": "replaced"}],
    "temp_ban": [{"event": "temp_ban", "code": 402, "expire": 3600}],
    "temp_ban_no_expiry": [{"event": "temp_ban", "code": 402, "expire": None}],
    "logged_out_403": [{"event": "logged_out", "code": 403, "on_connect": True}],
    "logged_out_401": [{"event": "logged_out", "code": 401, "on_connect": False}],
    "logged_out_406": [{"event": "logged_out", "code": 406, "on_connect": True}],
    "outdated": [{"event": "outdated"}],
    "connect_failure_1": [{"event": "connect_failure", "code": 400, "message": "m"}],
    "connect_failure_2": [{"event": "logged_out", "code": 401, "on_connect": True}],
    "connect_failure_3": [{"event": "temp_ban", "code": 402, "expire": None}],
    "connect_failure_4": [{"event": "logged_out", "code": 403, "on_connect": True}],
    "connect_failure_5": [{"event": "logged_out", "code": 406, "on_connect": True}],
    "connect_failure_6": [{"event": "outdated"}],
    "connect_failure_7": [{"event": "outdated"}],
    "connect_failure_8": [{"event": "connect_failure", "code": 500, "message": "m"}],
    "connect_failure_9": [{"event": "connect_failure", "code": 501, "message": "m"}],
    "connect_failure_10": [{"event": "connect_failure", "code": 503, "message": "m"}],
    "connect_failure_raw_418": [
        {"event": "connect_failure", "code": 418, "message": "connect failure 418"}
    ],
    "connect_failure_raw_402": [{"event": "temp_ban", "code": 402, "expire": 600}],
    "connect_failure_no_code": [
        {"event": "connect_failure", "code": None, "message": "connect failure without a code"}
    ],
    "pair_error": [
        {"event": "connect_failure", "code": None, "message": "pairing failed: bad signature"}
    ],
    "receipt_delivered": [{"event": "receipt", "ids": ["3EB0A", "3EB0B"], "kind": "delivered"}],
    "receipt_read": [{"event": "receipt", "ids": ["3EB0A"], "kind": "read"}],
    "receipt_read_self": [],  # our own other device read it: not the recipient
    "paired": [{"event": "paired", "jid": "51900000002:7@s.whatsapp.net"}],
    "qr_after_paired": [],
}


def test_event_mapping_through_neonize_dispatch(events: list[dict[str, Any]]) -> None:
    lines = events
    steps = [line for line in lines if line["kind"] == "step"]
    assert [s["name"] for s in steps] == list(EXPECTED_STEPS)
    for step in steps:
        got = step["events"]
        for event in got:  # expiries are relative to the moment of the event
            if event["event"] == "temp_ban" and event["expire"] is not None:
                event["expire"] = round(event["expire"] - step["now"])
        assert got == EXPECTED_STEPS[step["name"]], step["name"]
    # Nothing reaches the sink after stop().
    assert events_of(lines, "m")[-1]["event"] == "paired"
    # Go refused (offline, never connected): the simulator's code for it.
    assert one(lines, "m_send")["code"] == "NOT_CONNECTED"
    assert "store doesn't contain a device JID" in one(lines, "m_send")["error"]
    assert one(lines, "m_logout")["code"] == "NOT_CONNECTED"


def test_qr_codes_then_our_own_expiry(events: list[dict[str, Any]]) -> None:
    lines = events
    assert one(lines, "q_pair_before_qr")["code"] == "NOT_PAIRING"
    # After the first QR the socket is up; offline, WhatsApp's refusal comes back clearly.
    assert one(lines, "q_pair_after_qr")["code"] == "PAIR_FAILED"
    q = one(lines, "q_done")
    assert [e["event"] for e in q["events"]] == ["connect_failure", "qr", "qr", "qr_expired"]
    assert [e.get("code") for e in q["events"][1:3]] == ["2@first-code", "2@second-code"]
    assert 0.5 <= q["expired_after"] < 2.0  # qr_timeout=0.6 s from the first code
    assert (q["live_before"], q["live_after"]) == (1, 0)  # the expiry stopped the client
