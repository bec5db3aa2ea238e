"""What the simulated WhatsApp does where the real library cannot be reached offline.

Offline, the real library never completes the Noise handshake (whatsmeow
checks WhatsApp's built-in server key; NEONIZE_NOTES hazard 18), so nothing
past it can be run against the real thing here: no login answer, no keep-
alive, no send. The adapter's handling of those events is checked through
neonize's own entry points (test_transport_conformance.py, test_neonize_*);
what the simulator does for the world behind them is pinned here, each with
the source it comes from (whatsmeow `client.go`, `keepalive.go`, `qrchan.go`,
`connectionevents.go`; neonize 0.5.2's event loop, hazards 14 and 17).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from lila_desktop.services.engine import host as host_module
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.transports.base import TransportError
from lila_desktop.services.transports.neonize_events import no_answer_message
from lila_desktop.services.transports.simulated import SimulatedTransport
from tests.conftest import MemoryKeyStore, PoolHarness, build_test_pool
from tests.unit.services.engine_output import connected_host
from tests.unit.services.test_transport_conformance import Recorded, _dc

pytestmark = pytest.mark.asyncio
PHONE = "51907000001"
SCALE = 0.01
STALL_SCALE = 0.002  # whatsmeow's 3 minutes in 0.36 s
UNEXPECTED = "WhatsApp answered the link request in an unexpected way"


async def _client(world: SimulatedTransport, store: Path, gen: int = 1) -> Recorded:
    sink = Recorded()
    await world.create_client(PHONE, gen, store, sink).connect()
    return sink


async def test_a_silent_refusal_before_the_first_qr_hits_our_bound(tmp_path: Path) -> None:
    # WhatsApp takes the connection and never answers: no QR, no refusal, and
    # before pairing neonize's event loop has not started (hazard 14). Nothing
    # at all arrives; only our own bound speaks.
    world = SimulatedTransport(time_scale=SCALE)
    world.answer_floor = 0.05
    await world.simulate(PHONE, "refuse_link", {"reason": "silent"})
    sink = await _client(world, tmp_path / "a.db")
    await sink.count(1)
    assert sink.events == [
        {"event": p.EV_CONNECT_FAILURE, "code": None, "message": no_answer_message(30)}
    ]
    # The refusal was for that attempt only: the next one shows a QR code.
    again = await _client(world, tmp_path / "a.db", gen=2)
    await again.count(1)
    assert again.events[0]["event"] == p.EV_QR
    await world.aclose()


@pytest.mark.parametrize("how", ["temp_ban_fault", "temp_ban", "main_device_gone"])
async def test_a_ban_before_pairing_is_no_ban_event(tmp_path: Path, how: str) -> None:
    # whatsmeow dispatches TemporaryBan / LoggedOut, but before pairing neonize
    # delivers no event; the QR channel closes with "err-unexpected-state".
    world = SimulatedTransport(time_scale=SCALE)
    if how == "temp_ban_fault":
        await world.simulate(PHONE, "temp_ban", {"seconds": 60})
    else:
        await world.simulate(PHONE, "refuse_link", {"reason": how})
    sink = await _client(world, tmp_path / "a.db")
    await sink.count(1)
    assert sink.events == [{"event": p.EV_CONNECT_FAILURE, "code": None, "message": UNEXPECTED}]
    # A paired store hears the same ban as an event (the login's 402).
    store_schema.make_paired_store(tmp_path / "b.db", PHONE)
    if how == "temp_ban_fault":
        paired = await _client(world, tmp_path / "b.db", gen=2)
        await paired.count(1)
        assert paired.events[0]["event"] == p.EV_TEMP_BAN
    await world.aclose()


async def test_a_device_removed_unheard_is_wiped_at_the_next_login(tmp_path: Path) -> None:
    store = tmp_path / "a.db"
    store_schema.make_paired_store(store, PHONE)
    world = SimulatedTransport(time_scale=SCALE)
    await world.simulate(PHONE, "device_removed", {})  # no client: nothing to tell
    assert store_schema.has_device(store)  # whatsmeow does not know yet
    sink = await _client(world, store)
    await sink.count(1)
    assert sink.events == [{"event": p.EV_LOGGED_OUT, "code": 401, "on_connect": True}]
    assert not store_schema.has_device(store)  # whatsmeow deleted it itself (hazard 8)
    await world.aclose()


async def test_a_coded_drop_is_told_at_once_then_whatsmeow_reconnects(tmp_path: Path) -> None:
    store = tmp_path / "a.db"
    store_schema.make_paired_store(store, PHONE)
    world = SimulatedTransport(time_scale=SCALE)
    sink = await _client(world, store)
    await sink.count(1)
    await world.simulate(PHONE, "disconnect", {"code": 428})
    assert sink.events[-1] == _dc(428, "stream error 428")
    await sink.count(3)  # nobody stopped it: whatsmeow's own reconnect, at once
    assert sink.events[-1] == {"event": p.EV_CONNECTED}
    await world.aclose()


async def test_the_keepalive_drop_waits_for_whatsmeows_limit(tmp_path: Path) -> None:
    store = tmp_path / "a.db"
    store_schema.make_paired_store(store, PHONE)
    world = SimulatedTransport(time_scale=STALL_SCALE)
    sink = await _client(world, store)
    await sink.count(1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await world.simulate(PHONE, "stall", {"seconds": 1000})
    await sink.count(2)
    # KeepAliveMaxFailTime: 3 minutes of the world's clock, not one missed ping.
    assert loop.time() - started >= 180 * STALL_SCALE
    assert sink.events[-1] == _dc(408, "keep-alive timeout")
    with pytest.raises(TransportError) as refused:  # only a live connection can stall
        await world.simulate(PHONE, "stall", {"seconds": 10})
    assert refused.value.code == "NOT_RUNNING"
    await world.aclose()


async def test_a_send_stuck_in_a_stall_is_unknown_then_arrives_with_its_receipt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hazard 17: the Go send keeps waiting for the server's answer after the
    # engine stopped waiting; when the socket answers again the message is
    # delivered, and the recipient's receipt follows.
    monkeypatch.setattr(host_module, "CALL_TIMEOUT", 0.2)
    world = SimulatedTransport(time_scale=SCALE)
    host, out = await connected_host(world, tmp_path / "a.db", PHONE)
    await world.simulate(PHONE, "stall", {"seconds": 60})  # under the keep-alive limit
    send = {"phone": PHONE, "to": "51911111111", "text": "hola"}
    with pytest.raises(TransportError) as refused:
        await host._dispatch(p.OP_SEND_TEXT, send)
    assert refused.value.code == "SEND_UNKNOWN"
    assert world.sent == []
    receipt = await out.until(p.EV_RECEIPT)
    assert world.sent == [(PHONE, "51911111111", "hola")]
    assert receipt["kind"] == "delivered" and len(receipt["ids"]) == 1
    await host.shutdown()


async def test_a_send_stuck_when_the_keepalive_gives_up_never_arrives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(host_module, "CALL_TIMEOUT", 0.1)
    world = SimulatedTransport(time_scale=STALL_SCALE)
    host, out = await connected_host(world, tmp_path / "a.db", PHONE)
    await world.simulate(PHONE, "stall", {"seconds": 1000})
    send = {"phone": PHONE, "to": "51911111111", "text": "hola"}
    with pytest.raises(TransportError) as refused:
        await host._dispatch(p.OP_SEND_TEXT, send)
    assert refused.value.code == "SEND_UNKNOWN"  # unknown: it might have gone out
    await out.until(p.EV_DISCONNECTED)
    results = await asyncio.gather(*world.deliveries, return_exceptions=True)
    assert all(isinstance(r, TransportError) for r in results) and world.sent == []
    await host.shutdown()


# --- Through the pool: what the owner sees -------------------------------------


@pytest.mark.parametrize(
    ("reason", "status"),
    [("silent", "reconnecting"), ("unavailable", "reconnecting"), ("outdated", "outdated")],
)
async def test_a_link_refused_before_its_qr_is_never_stuck_connecting(
    harness: PoolHarness, reason: str, status: str
) -> None:
    pool = harness.pool
    await pool.add(PHONE)
    await harness.wait_status(PHONE, "qr")
    await pool.simulate(PHONE, "refuse_link", {"reason": reason})
    await pool.stop_session(PHONE)
    await pool.start_session(PHONE)
    snap = await harness.wait_status(PHONE, status)
    assert snap.message is not None  # the owner is told why
    if status == "reconnecting":  # retried by the policy: the next attempt links
        await harness.wait_status(PHONE, "qr")


# --- WhatsApp's servers outlive our engine ------------------------------------
# The simulated server lives in the engine process; what WhatsApp's servers know
# of a number (a ban, 'outdated' told, a device removed) must survive an engine
# crash or recycle as it does in the real world (the pool's harness gives the
# engine its state file, as the app does).


def _after(since: float, *statuses: str) -> Callable[[SessionSnapshot], bool]:
    return lambda s: s.status.value in statuses and s.since > since


async def test_outdated_told_before_an_engine_crash_is_the_same_one_after(
    harness: PoolHarness,
) -> None:
    await harness.link(PHONE)
    await harness.pool.simulate(PHONE, "outdated", {})
    told = await harness.wait_status(PHONE, "outdated")
    pid = harness.pool.engine.pid
    await harness.pool.simulate(None, "engine_crash", {})
    # Told again by the reborn engine, the owner not yet updated: the same refusal
    # (the pool injects it once the new engine answers).
    await harness.pool.simulate(PHONE, "outdated", {})
    assert harness.pool.engine.pid != pid
    await harness.pool.start_session(PHONE)  # updated, then Connect: one is enough
    after = await harness.wait(PHONE, _after(told.since, "connected", "outdated"))
    assert after.status is Status.CONNECTED


async def test_a_ban_survives_an_engine_crash(harness: PoolHarness) -> None:
    await harness.link(PHONE)
    await harness.pool.simulate(PHONE, "temp_ban", {"seconds": 60})
    banned = await harness.wait_status(PHONE, "temp_banned")
    pid = harness.pool.engine.pid
    await harness.pool.simulate(None, "engine_crash", {})
    await harness.pool.start_session(PHONE)  # the owner presses Connect anyway
    again = await harness.wait(PHONE, _after(banned.since, "connected", "temp_banned"))
    assert harness.pool.engine.pid != pid
    # The reborn engine's server still refuses the login: 402, the same expiry.
    assert again.status is Status.TEMP_BANNED and again.ban_until == banned.ban_until


async def test_a_device_removed_unheard_is_learnt_after_an_engine_crash(
    harness: PoolHarness,
) -> None:
    await harness.link(PHONE)
    stopped = await harness.pool.stop_session(PHONE)
    await harness.pool.simulate(PHONE, "device_removed", {})  # removed while we were away
    await harness.pool.simulate(None, "engine_crash", {})
    await harness.pool.start_session(PHONE)
    after = await harness.wait(PHONE, _after(stopped.since, "connected", "logged_out"))
    assert after.status is Status.LOGGED_OUT  # the login's 401, whatever engine it met


async def test_a_new_life_of_the_app_meets_a_fresh_simulated_server(
    tmp_path: Path, keystore: MemoryKeyStore
) -> None:
    # Within one life of the app only: the campaign's verdicts count faults per
    # life, and a killed app's leftovers must not refuse the next one's link.
    data_dir, runtime_dir = tmp_path / "data", tmp_path / "run"
    runtime_dir.mkdir(mode=0o700)
    left = {"bans": {PHONE: time.time() + 60}, "outdated": [], "told_outdated": [], "removed": []}
    (runtime_dir / "sim-server.json").write_text(json.dumps(left))  # a killed app's
    pool = build_test_pool(data_dir, runtime_dir, keystore)
    await pool.start()
    try:
        h = PoolHarness(pool, data_dir, runtime_dir)
        await h.link(PHONE)  # no ban: that was the last life's server
        await pool.simulate(PHONE, "temp_ban", {"seconds": 60})
        await h.wait_status(PHONE, "temp_banned")
    finally:
        await asyncio.wait_for(pool.aclose(), 30)
    assert not runtime_dir.exists()  # nothing of it left in the run folder at exit
