"""Every session endpoint of the local API, its answers and its error paths,
against a real pool on the simulated transport over a real loopback socket."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from tests.unit.services.api_support import KEY, OTHER, PHONE, Api, api, assert_error

__all__ = ["api"]
pytestmark = pytest.mark.asyncio

DATA_URL = "data:image/png;base64,"


def _add_contact(store: Path) -> None:
    """Change the live store as WhatsApp would on a contact sync."""
    with contextlib.closing(sqlite3.connect(store)) as db, db:
        jid = db.execute("SELECT jid FROM whatsmeow_device").fetchone()[0]
        db.execute(
            "INSERT INTO whatsmeow_contacts (our_jid, their_jid, full_name) VALUES (?, ?, ?)",
            (jid, "51911111111@s.whatsapp.net", "Cliente"),
        )


def _decode_qr(png: bytes, tmp_path: Path) -> str:
    """What a phone would read from the image (zbarimg, installed by the test script)."""
    zbar = shutil.which("zbarimg")
    if zbar is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    out = subprocess.run([zbar, "-q", "--raw", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


async def test_health_is_open_and_counts_sessions(api: Api) -> None:
    status, data = await api.call("GET", "/health", key=None)
    assert status == 200 and data["success"] is True
    assert data["data"]["status"] == "ok"
    assert data["data"]["transport"] == "simulated"
    assert (data["data"]["sessions"], data["data"]["connected"]) == (0, 0)
    await api.linked()
    _, data = await api.call("GET", "/health", key=None)
    assert (data["data"]["sessions"], data["data"]["connected"]) == (1, 1)


@pytest.mark.parametrize("path", ["/api/sessions", "/api/sessions/list"])
async def test_session_list_is_open_with_lila_app_shape(api: Api, path: str) -> None:
    status, data = await api.call("GET", path, key=None)
    assert (status, data) == (200, {"success": True, "data": {"total": 0, "sessions": []}})
    await api.linked()
    _, data = await api.call("GET", path, key=None)
    assert data["data"] == {
        "total": 1,
        "sessions": [
            {"phoneNumber": PHONE, "status": "connected", "isConnected": True, "name": ""}
        ],
    }


async def test_create_session_waits_for_the_first_qr_and_returns_it_as_png(
    api: Api, tmp_path: Path
) -> None:
    status, data = await api.call(
        "POST", "/api/sessions", json={"phoneNumber": "+51 902-049-935", "name": "Tienda"}
    )
    assert status == 201, data
    body = data["data"]
    assert body["phoneNumber"] == PHONE and body["status"] == "qr" and body["name"] == "Tienda"
    assert body["isConnected"] is False
    assert body["qr"] == api.pool.snapshot(PHONE).qr
    assert body["qrImage"].startswith(DATA_URL)
    png = base64.b64decode(body["qrImage"][len(DATA_URL) :])
    assert _decode_qr(png, tmp_path) == body["qr"]


async def test_create_session_of_a_connected_number_is_200_without_qr(api: Api) -> None:
    await api.linked()
    status, data = await api.call(
        "POST", "/api/sessions", json={"phoneNumber": PHONE, "name": "Caja 2"}
    )
    assert status == 200
    assert data["data"]["status"] == "connected" and data["data"]["name"] == "Caja 2"
    assert data["data"]["qr"] is None and data["data"]["qrImage"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "VALIDATION_ERROR"),
        ({"phoneNumber": None}, "VALIDATION_ERROR"),
        ({"phoneNumber": 51902049935}, "INVALID_PHONE_NUMBER"),
        ({"phoneNumber": "0902049935"}, "INVALID_PHONE_NUMBER"),
        ({"phoneNumber": "5190"}, "INVALID_PHONE_NUMBER"),
        ({"phoneNumber": "51902abc935"}, "INVALID_PHONE_NUMBER"),
        ({"phoneNumber": "../../etc/passwd"}, "INVALID_PHONE_NUMBER"),
        ({"phoneNumber": "٥١٩٠٢٠٤٩٩٣٥"}, "INVALID_PHONE_NUMBER"),  # Arabic-Indic digits
        ({"phoneNumber": PHONE, "name": 5}, "VALIDATION_ERROR"),
        ({"phoneNumber": PHONE, "name": "x" * 81}, "VALIDATION_ERROR"),
    ],
)
async def test_create_session_refuses_bad_input(
    api: Api, body: dict[str, object], code: str
) -> None:
    status, data = await api.call("POST", "/api/sessions", json=body)
    assert_error(status, data, 400, code)
    assert not api.pool.snapshots(), "nothing is created on bad input"


async def test_status_is_open_and_follows_the_policy(api: Api) -> None:
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/status", key=None)
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    _, data = await api.call("GET", f"/api/sessions/{PHONE}/status", key=None)
    assert data["data"]["status"] == "qr" and data["data"]["qr"]
    await api.call("POST", f"/api/sessions/{PHONE}/simulate", json={"event": "scan"})
    # "connected" is published at once; the pairing's backup runs after it.
    await api.harness.wait(PHONE, lambda s: s.last_backup_at is not None)
    _, data = await api.call("GET", f"/api/sessions/{PHONE}/status", key=None)
    body = data["data"]
    assert body["status"] == "connected" and body["isConnected"] is True
    assert "qr" not in body and "reconnect" not in body and "lastDisconnect" not in body
    assert body["lastBackupAt"] is not None


async def test_status_shows_reconnect_and_last_disconnect(api: Api) -> None:
    await api.linked()
    await api.pool.simulate(None, "network_down", {})
    await api.harness.wait(PHONE, lambda s: s.status is Status.RECONNECTING and s.attempt >= 2)
    _, data = await api.call("GET", f"/api/sessions/{PHONE}/status", key=None)
    body = data["data"]
    assert body["status"] == "reconnecting" and body["isConnected"] is False
    assert body["reconnect"]["attempt"] >= 1
    assert body["reconnect"]["nextRetryAt"].endswith("Z")
    # The drop (408), then failed dials while the network is down (no code).
    assert body["lastDisconnect"]["code"] in (408, None)
    assert body["lastDisconnect"]["reason"] and body["lastDisconnect"]["at"].endswith("Z")
    assert body["needsAction"] is False
    await api.pool.simulate(None, "network_up", {})


@pytest.mark.parametrize("path", ["/api/sessions/{p}/status", "/api/sessions/{p}/qr"])
@pytest.mark.parametrize(
    "bad", ["abc", "123", "0902049935", "%2E%2E%2F%2E%2E%2Fetc", "..%2F..%2Fetc%2Fpasswd", "5%00"]
)
async def test_bad_numbers_in_the_path_are_400(api: Api, path: str, bad: str) -> None:
    status, data = await api.call("GET", path.format(p=bad))
    assert_error(status, data, 400, "INVALID_PHONE_NUMBER")


async def test_qr_as_png_and_as_json(api: Api, tmp_path: Path) -> None:
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    async with api.http.get(f"/api/sessions/{PHONE}/qr", headers={"x-api-key": KEY}) as r:
        assert r.status == 200 and r.content_type == "image/png"
        png = await r.read()
    qr = api.pool.snapshot(PHONE).qr
    assert png.startswith(b"\x89PNG") and _decode_qr(png, tmp_path) == qr
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/qr?format=json")
    assert status == 200
    assert data["data"]["qr"] == api.pool.snapshot(PHONE).qr
    assert data["data"]["qrImage"].startswith(DATA_URL)


async def test_qr_error_paths(api: Api) -> None:
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/qr")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.linked()
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/qr")
    assert_error(status, data, 404, "QR_NOT_AVAILABLE")
    assert "already connected" in data["error"]["message"]
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/qr?format=svg")
    assert_error(status, data, 400, "VALIDATION_ERROR")


async def test_pairing_code_while_linking(api: Api) -> None:
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/request-pairing-code")
    assert status == 200, data
    code = data["data"]["pairingCode"]
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert data["data"]["phoneNumber"] == PHONE


async def test_pairing_code_starts_linking_a_logged_out_number(api: Api) -> None:
    await api.linked()
    await api.call("POST", f"/api/sessions/{PHONE}/logout")
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/request-pairing-code")
    assert status == 200, data
    assert len(data["data"]["pairingCode"]) == 8


async def test_pairing_code_error_paths(api: Api) -> None:
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/request-pairing-code")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.linked()
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/request-pairing-code")
    assert_error(status, data, 409, "ALREADY_CONNECTED")


async def test_logout_backs_up_and_then_only_a_qr_or_restore_helps(api: Api) -> None:
    await api.linked()
    _, before = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/logout")
    assert status == 200, data
    assert data["data"]["status"] == "logged_out" and data["data"]["needsAction"] is True
    assert "logged out" in data["message"]
    _, after = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    assert after["data"]["total"] >= before["data"]["total"]
    status, data = await api.call("POST", f"/api/sessions/{OTHER}/logout")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")


async def test_delete_keeps_backups_unless_asked(api: Api) -> None:
    await api.linked()
    await api.linked(OTHER)
    backups_dir = api.harness.data_dir / "sessions" / "backups"
    status, data = await api.call("DELETE", f"/api/sessions/{PHONE}")
    assert status == 200, data
    assert data["data"] == {"phoneNumber": PHONE, "deleted": True, "backupsDeleted": False}
    assert PHONE not in api.pool
    assert any((backups_dir / PHONE).iterdir()), "backups survive a plain delete"
    status, data = await api.call("DELETE", f"/api/sessions/{OTHER}?deleteBackups=true")
    assert status == 200 and data["data"]["backupsDeleted"] is True
    assert not (backups_dir / OTHER).exists()
    status, data = await api.call("DELETE", f"/api/sessions/{PHONE}")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    status, data = await api.call("DELETE", f"/api/sessions/{PHONE}?deleteBackups=maybe")
    assert_error(status, data, 400, "VALIDATION_ERROR")


async def test_backups_list_and_create(api: Api) -> None:
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.linked()
    status, data = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    assert status == 200 and data["data"]["phoneNumber"] == PHONE
    listed = data["data"]["backups"]
    assert data["data"]["total"] == len(listed) >= 1
    first = listed[0]
    assert first["file"] == f"creds-{first['timestamp']}.lila"
    assert (api.harness.data_dir / "sessions" / "backups" / PHONE / first["file"]).is_file()
    # Nothing changed since the backup taken at pairing: not backed up twice.
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/backups")
    assert status == 200 and data["data"]["created"] is False
    assert data["data"]["backup"]["timestamp"] == first["timestamp"]
    _add_contact(api.pool.vault.live_path(PHONE))
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/backups")
    assert status == 201, data
    assert data["data"]["created"] is True
    _, again = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    assert again["data"]["backups"][0]["timestamp"] == data["data"]["backup"]["timestamp"]


async def test_restore_latest_and_by_timestamp_after_logout(api: Api) -> None:
    await api.linked()
    jid = store_schema.device_jid(api.pool.vault.live_path(PHONE))
    _, listed = await api.call("GET", f"/api/sessions/{PHONE}/backups")
    oldest = listed["data"]["backups"][-1]["timestamp"]
    await api.call("POST", f"/api/sessions/{PHONE}/simulate", json={"event": "logout"})
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/restore")
    assert status == 200, data
    assert data["data"]["accepted"] is True and data["data"]["status"] == "connected"
    assert data["message"].startswith("Restored")
    assert store_schema.device_jid(api.pool.vault.live_path(PHONE)) == jid
    status, data = await api.call(
        "POST", f"/api/sessions/{PHONE}/restore", json={"backupTimestamp": oldest}
    )
    assert status == 200 and data["data"]["restoredFrom"] == oldest


async def test_a_restore_met_by_an_outdated_app_does_not_say_the_device_was_removed(
    api: Api,
) -> None:
    """WhatsApp answers the restored login with 405 (client outdated): the
    device is still linked, so the owner is told to update, never to scan a QR."""
    await api.linked()
    jid = store_schema.device_jid(api.pool.vault.live_path(PHONE))
    await api.call("POST", f"/api/sessions/{PHONE}/simulate", json={"event": "logout"})
    await api.pool.wait_for(PHONE, lambda s: s.status is Status.LOGGED_OUT, 10)
    # This version is now too old: the next login is refused with a 405.
    await api.call("POST", f"/api/sessions/{PHONE}/simulate", json={"event": "outdated"})
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/restore")
    assert status == 200, data
    assert data["data"]["accepted"] is False and data["data"]["status"] == "outdated"
    assert "removed" not in data["message"] and "QR" not in data["message"]
    assert data["message"].startswith("The backup is back in place.")
    assert "too old" in data["message"], data["message"]
    assert store_schema.device_jid(api.pool.vault.live_path(PHONE)) == jid


@pytest.mark.parametrize(
    "timestamp",
    [
        "../../../etc/passwd",
        "2026-01-28T12-30-45-123Z/../x",
        "2026-02-30T12-30-45-123Z",
        "2026-01-28 12:30:45",
        "２０２６-01-28T12-30-45-123Z",
        12,
        ["2026-01-28T12-30-45-123Z"],
    ],
)
async def test_restore_refuses_bad_timestamps_without_touching_the_session(
    api: Api, timestamp: object
) -> None:
    await api.linked()
    status, data = await api.call(
        "POST", f"/api/sessions/{PHONE}/restore", json={"backupTimestamp": timestamp}
    )
    assert_error(status, data, 400, "INVALID_TIMESTAMP")
    assert api.pool.snapshot(PHONE).is_connected


async def test_restore_of_an_unknown_backup_is_404_and_changes_nothing(api: Api) -> None:
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/restore")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    status, data = await api.call("POST", f"/api/sessions/{PHONE}/restore")
    assert_error(status, data, 404, "BACKUP_NOT_FOUND")
    assert api.pool.snapshot(PHONE).status is Status.QR
    await api.call("POST", f"/api/sessions/{PHONE}/simulate", json={"event": "scan"})
    status, data = await api.call(
        "POST",
        f"/api/sessions/{PHONE}/restore",
        json={"backupTimestamp": "2020-01-01T00-00-00-000Z"},
    )
    assert_error(status, data, 404, "BACKUP_NOT_FOUND")
    assert api.pool.snapshot(PHONE).is_connected


async def test_concurrent_status_reads_during_a_restore(api: Api) -> None:
    await api.linked()
    restore = asyncio.ensure_future(api.call("POST", f"/api/sessions/{PHONE}/restore"))
    seen = set()
    while not restore.done():
        status, data = await api.call("GET", f"/api/sessions/{PHONE}/status", key=None)
        assert status == 200
        seen.add(data["data"]["status"])
    status, data = await restore
    assert status == 200 and data["data"]["accepted"] is True
    assert seen <= {s.value for s in Status}
