"""The simulated WhatsApp against the real one: the same scenarios, the same answers.

The first scenarios run on both transports through the real engine process
(`--transport neonize|simulated`), where the real library can reach them
offline: the network is down (DNS fails here; the simulator is told
`network_down`). The later ones are past the handshake, which the real
library cannot reach offline: see below. What the pool sees must not depend
on which one runs. What only the simulator can show: test_simulator_truth.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from lila_desktop.services import store_schema
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient, EngineError
from lila_desktop.services.transports.simulated import SimulatedTransport

pytestmark = [pytest.mark.asyncio, pytest.mark.neonize]
TRANSPORTS = ["neonize", "simulated"]
PROBE = Path(__file__).with_name("conformance_probe.py")
ROOT = Path(__file__).resolve().parents[3]


class Engine:
    def __init__(self, transport: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self.client = EngineClient(transport, on_event=self._on_event, on_died=lambda _r: None)

    def _on_event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        self._arrived.set()

    async def first_event(self, phone: str, gen: int) -> dict[str, Any]:
        async with asyncio.timeout(15):
            while True:
                for message in self.events:
                    if message.get("phone") == phone and message.get("gen") == gen:
                        return message
                self._arrived.clear()
                await self._arrived.wait()

    def of(self, phone: str, gen: int) -> list[str]:
        return [m["ev"] for m in self.events if m.get("phone") == phone and m.get("gen") == gen]

    async def refusal(self, op: str, **args: Any) -> str:
        try:
            await self.client.request(op, **args)
        except EngineError as exc:
            return exc.code
        return "ACCEPTED"


@pytest_asyncio.fixture(params=TRANSPORTS)
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[Engine]:
    engine = Engine(request.param)
    await engine.client.start()
    if request.param == "simulated":
        await engine.client.request(p.OP_SIMULATE, phone=None, event="network_down", args={})
    try:
        yield engine
    finally:
        await asyncio.wait_for(engine.client.aclose(), 30)


@pytest.mark.parametrize("paired", [False, True], ids=["new-number", "paired"])
async def test_an_offline_first_dial_fails_once_without_a_qr(
    engine: Engine, tmp_path: Path, paired: bool
) -> None:
    phone = "51905000001"
    store = tmp_path / "store.db"
    if paired:
        store_schema.make_paired_store(store, phone)
    await engine.client.request(p.OP_START, phone=phone, gen=1, store=str(store))
    first = await engine.first_event(phone, 1)
    assert first["ev"] == p.EV_CONNECT_FAILURE and first["code"] is None
    assert "web.whatsapp.com" in first["message"]
    # Nothing was asked of the phone, and the store (and any device in it) is kept.
    assert await engine.refusal(p.OP_PAIR_PHONE, phone=phone) == "NOT_PAIRING"
    assert await engine.refusal(p.OP_SEND_TEXT, phone=phone, to="51911111111", text="x") == (
        "NOT_CONNECTED"
    )
    assert await engine.refusal(p.OP_LOGOUT, phone=phone) == "NOT_CONNECTED"
    await engine.client.request(p.OP_STOP, phone=phone)
    assert p.EV_QR not in engine.of(phone, 1)
    assert store_schema.has_device(store) is paired


async def test_stop_silences_the_generation_and_frees_the_number(
    engine: Engine, tmp_path: Path
) -> None:
    phone = "51905000002"
    await engine.client.request(p.OP_START, phone=phone, gen=1, store=str(tmp_path / "a.db"))
    await engine.client.request(p.OP_STOP, phone=phone)
    seen = len(engine.of(phone, 1))
    await engine.client.request(p.OP_START, phone=phone, gen=2, store=str(tmp_path / "a.db"))
    await engine.first_event(phone, 2)  # the next generation speaks ...
    assert len(engine.of(phone, 1)) == seen  # ... the stopped one never again
    await engine.client.request(p.OP_STOP, phone=phone)
    assert await engine.refusal(p.OP_SEND_TEXT, phone=phone, to="51911111111", text="x") == (
        "NOT_RUNNING"
    )
    stats = await engine.client.request(p.OP_STATS)
    assert stats["clients"] == 0 and stats["connects"] == 2
    assert stats["aborted_links"] == 0  # no QR was ever shown: nothing leaked


# --- Real-world scenarios past the handshake ----------------------------------
# Offline the real library never gets past the Noise handshake (hazard 18), so
# these scenarios reach the real adapter as whatsmeow would tell them: its
# events, in order, through neonize's own Go-callback entry points
# (conformance_probe.py, a child process). The simulator gets the fault that
# stands for the same scenario. Both must report exactly the same events.

SCALE = 0.01  # the simulator's clock: its 10 s grace is 0.1 s here
STALL_SCALE = 0.002  # whatsmeow's 3-minute keep-alive limit in 0.36 s
PAIRED = "51906000001"


def _dc(code: int | None, reason: str) -> dict[str, Any]:
    return {"event": p.EV_DISCONNECTED, "code": code, "reason": reason}


CONNECTED = {"event": p.EV_CONNECTED}
EARLY_DROP = {
    "event": p.EV_CONNECT_FAILURE,
    "code": None,
    "message": "the connection dropped before WhatsApp sent a QR code",
}
REMOVED = {"event": p.EV_LOGGED_OUT, "code": 401, "on_connect": True}
EXPECTED: dict[str, list[dict[str, Any]]] = {
    # whatsmeow's own immediate reconnect worked within the grace: no drop at all.
    "plain_drop_repaired": [CONNECTED],
    # It did not: a drop without a code (whatsmeow's Disconnected has none).
    "plain_drop_not_repaired": [CONNECTED, _dc(None, "connection lost")],
    # One minute of unanswered keep-alives is not a drop; past 3 minutes it is.
    "stall_short": [CONNECTED],
    "stall_past_limit": [CONNECTED, _dc(408, "keep-alive timeout")],
    # A device removed unheard is learnt at the next login, as a 401 on connect.
    "device_removed_live": [CONNECTED, REMOVED],
    "device_removed_offline": [REMOVED],
    # Before pairing only the QR channel's last word arrives, before any QR.
    "link_temp_ban": [
        {
            "event": p.EV_CONNECT_FAILURE,
            "code": None,
            "message": "WhatsApp answered the link request in an unexpected way",
        }
    ],
    "link_outdated": [{"event": p.EV_OUTDATED}],
    "link_dropped": [EARLY_DROP],
    "link_unavailable": [EARLY_DROP],
    # Our adapter reads the QR channel's "timeout" after a QR as the QR's end.
    "link_qr_then_drop": [{"event": p.EV_QR, "code": "…"}, {"event": p.EV_QR_EXPIRED}],
}


@pytest.fixture(scope="module")
def real_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    # neonize only ever in a child: a Go panic must not take pytest with it.
    proc = subprocess.run(
        [sys.executable, str(PROBE), str(tmp_path_factory.mktemp("conformance"))],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert lines and lines[-1] == {"kind": "exit"}, proc.stderr[-4000:]
    return {line["name"]: line["events"] for line in lines if line["kind"] == "case"}


class Recorded:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()

    def __call__(self, event: str, **fields: Any) -> None:
        self.events.append({"event": event, **fields})
        self._arrived.set()

    async def count(self, n: int) -> None:
        async with asyncio.timeout(10):
            while len(self.events) < n:
                self._arrived.clear()
                await self._arrived.wait()


async def simulated_case(name: str, tmp_path: Path) -> list[dict[str, Any]]:
    """The simulator's run of scenario `name`: the fault that stands for it."""
    world = SimulatedTransport(time_scale=STALL_SCALE if name.startswith("stall") else SCALE)
    store = tmp_path / f"{name}.db"
    if not name.startswith("link_"):
        store_schema.make_paired_store(store, PAIRED)
    before = {
        "device_removed_offline": ("device_removed", {}),
        "link_temp_ban": ("refuse_link", {"reason": "temp_ban"}),
        "link_outdated": ("refuse_link", {"reason": "outdated"}),
        "link_dropped": ("refuse_link", {"reason": "dropped"}),
        "link_unavailable": ("refuse_link", {"reason": "unavailable"}),
    }
    if name in before:
        await world.simulate(PAIRED, *before[name])
    sink = Recorded()
    client = world.create_client(PAIRED, 1, store, sink)
    await client.connect()
    await sink.count(1)
    if name == "plain_drop_repaired":
        await world.simulate(PAIRED, "disconnect", {})
        assert client._task is not None
        await client._task  # whatsmeow's reconnect: back up, the grace cancelled
    elif name == "plain_drop_not_repaired":
        world.network_up = False  # the socket closed and the network stays away
        await world.simulate(PAIRED, "disconnect", {})
        await sink.count(2)
    elif name == "stall_short":
        await world.simulate(PAIRED, "stall", {"seconds": 60})
        assert client._keepalive_task is not None
        await client._keepalive_task  # answered again: the keep-alive loop ends
    elif name == "link_qr_then_drop":
        await world.simulate(PAIRED, "disconnect", {})
        await sink.count(2)
    elif name in ("stall_past_limit", "device_removed_live"):
        event = "stall" if name == "stall_past_limit" else "device_removed"
        await world.simulate(PAIRED, event, {"seconds": 400})
        await sink.count(2)
    await client.stop()
    await world.aclose()
    return _same_qr(sink.events)


def _same_qr(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """QR payloads differ by nature; their place in the story must not."""
    return [e | {"code": "…"} if e["event"] == p.EV_QR else e for e in events]


@pytest.mark.parametrize("name", list(EXPECTED))
async def test_both_transports_tell_the_same_story(
    real_cases: dict[str, list[dict[str, Any]]], tmp_path: Path, name: str
) -> None:
    assert _same_qr(real_cases[name]) == EXPECTED[name], "the real adapter"
    assert await simulated_case(name, tmp_path) == EXPECTED[name], "the simulator"
