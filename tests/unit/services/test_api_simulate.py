"""`POST /api/sessions/{phone}/simulate`: every event, what the policy makes of
it, the body checks, and the route's absence without the simulated transport."""

from __future__ import annotations

from pathlib import Path

import pytest

from lila_desktop.services.api import ApiKey, build_app
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.quota import SqliteLedger
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import SessionVault
from tests.conftest import MemoryKeyStore
from tests.unit.services.api_support import KEY, PHONE, Api, api, assert_error

__all__ = ["api"]
pytestmark = pytest.mark.asyncio

SIM = f"/api/sessions/{PHONE}/simulate"


async def _event(api: Api, **body: object) -> dict[str, object]:
    status, data = await api.call("POST", SIM, json=body)
    assert status == 200, data
    assert data["data"]["event"] == body["event"]
    result: dict[str, object] = data["data"]
    return result


async def _back(api: Api) -> None:
    await api.harness.wait_status(PHONE, "connected")


async def test_scan_links_the_number(api: Api) -> None:
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    data = await _event(api, event="scan")
    assert data["status"] == "connected" and data["isConnected"] is True


@pytest.mark.parametrize("code", [408, 428, 500, 503, 515])
async def test_disconnects_keep_credentials_and_reconnect(api: Api, code: int) -> None:
    await api.linked()
    data = await _event(api, event="disconnect", code=code)
    assert data["status"] == "reconnecting"
    last = data["lastDisconnect"]
    assert isinstance(last, dict)
    assert (last["code"], last["reason"]) == (code, f"stream error {code}")
    assert data["reconnect"], "the answer shows the backoff state"
    await _back(api)


async def test_a_plain_drop_is_repaired_by_whatsmeow_unseen(api: Api) -> None:
    # No code: a socket close as whatsmeow reports it; its own immediate
    # reconnect works, so the pool never sees a drop (test_transport_conformance).
    await api.linked()
    data = await _event(api, event="disconnect")
    assert data["status"] == "connected" and data.get("lastDisconnect") is None
    status, sent = await api.call(
        "POST", f"/api/messages/{PHONE}/text", json={"to": "51911111111", "text": "hola"}
    )
    assert status == 200, sent
    assert "reconnecting" not in api.harness.statuses(PHONE)


async def test_a_device_removed_unheard_logs_out_at_the_reconnect(api: Api) -> None:
    await api.linked()
    data = await _event(api, event="device_removed")
    assert data["status"] == "logged_out" and data["needsAction"] is True


async def test_a_stall_and_a_link_refusal_change_nothing_yet(api: Api) -> None:
    await api.linked()
    data = await _event(api, event="stall", seconds=30)  # under whatsmeow's 3 minutes
    assert data["status"] == "connected"
    data = await _event(api, event="refuse_link", reason="outdated")  # the next link only
    assert data["status"] == "connected"
    await api.call("POST", f"/api/sessions/{PHONE}/logout")
    status, data = await api.call("POST", SIM, json={"event": "stall"})
    assert_error(status, data, 409, "NOT_RUNNING")


async def test_network_down_and_up(api: Api) -> None:
    await api.linked()
    data = await _event(api, event="network_down")
    assert data["isConnected"] is False
    await api.harness.wait_status(PHONE, "reconnecting")
    await _event(api, event="network_up")
    await _back(api)


async def test_replaced_temp_ban_outdated(api: Api) -> None:
    await api.linked()
    data = await _event(api, event="replaced")
    assert data["status"] == "replaced"
    await _back(api)  # the one automatic retry
    data = await _event(api, event="temp_ban", seconds=0.5)
    assert data["status"] == "temp_banned" and str(data["banUntil"]).endswith("Z")
    await _back(api)
    data = await _event(api, event="outdated")
    assert data["status"] == "outdated" and data["needsAction"] is True


@pytest.mark.parametrize("code", [401, 403, 406])
async def test_logout_codes(api: Api, code: int) -> None:
    await api.linked()
    data = await _event(api, event="logout", code=code)
    assert data["status"] == "logged_out" and data["needsAction"] is True


async def test_corrupt_store_is_set_aside_and_engine_crash_recovers(api: Api) -> None:
    await api.linked()
    data = await _event(api, event="engine_crash")
    assert data["isConnected"] is False
    await _back(api)
    data = await _event(api, event="corrupt_store")
    assert data["status"] != "connected"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"event": "explode"},
        {"event": 1},
        {"event": ["scan"]},
        {"event": "disconnect", "code": 401},
        {"event": "disconnect", "code": "408"},
        {"event": "disconnect", "code": True},
        {"event": "logout", "code": 408},
        {"event": "temp_ban", "seconds": 0},
        {"event": "temp_ban", "seconds": -5},
        {"event": "temp_ban", "seconds": 1e308},
        {"event": "temp_ban", "seconds": "60"},
        {"event": "stall", "seconds": 0},
        {"event": "stall", "seconds": 3601},
        {"event": "stall", "seconds": "60"},
        {"event": "refuse_link"},
        {"event": "refuse_link", "reason": "banned"},
        {"event": "refuse_link", "reason": 402},
        {"event": "disconnect", "args": {"code": 408}},  # fields sit at the top level
        {"event": "logout", "code": 401, "cod": 403},
    ],
)
async def test_bad_simulate_bodies_are_400(api: Api, body: dict[str, object]) -> None:
    await api.linked()
    status, data = await api.call("POST", SIM, json=body)
    assert_error(status, data, 400, "VALIDATION_ERROR")
    assert api.pool.snapshot(PHONE).is_connected


async def test_events_that_need_another_state_are_409(api: Api) -> None:
    status, data = await api.call("POST", SIM, json={"event": "scan"})
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.linked()
    status, data = await api.call("POST", SIM, json={"event": "scan"})
    assert_error(status, data, 409, "NOT_PAIRING")
    await api.call("POST", f"/api/sessions/{PHONE}/logout")
    status, data = await api.call("POST", SIM, json={"event": "disconnect"})
    assert_error(status, data, 409, "NOT_RUNNING")


async def test_no_simulate_route_without_the_simulated_transport(tmp_path: Path) -> None:
    engine = EngineClient("neonize", on_event=lambda m: None, on_died=lambda r: None)
    vault = SessionVault(tmp_path / "data", tmp_path / "run", MemoryKeyStore())
    pool = SessionPool(
        engine=engine, vault=vault, registry=SessionRegistry(tmp_path / "s.json")
    )  # never started: only its routes are looked at
    ledger = SqliteLedger(tmp_path / "q.sqlite3")
    app = build_app(pool, ledger, ApiKey(KEY, "env", "tests"))
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert "/api/sessions/{phone}/simulate" not in paths
    assert "/api/sessions/{phone}/status" in paths
    await ledger.aclose()
