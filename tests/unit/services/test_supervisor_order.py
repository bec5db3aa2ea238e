"""The supervisor decides each event on arrival and runs the actions in order.

A real pool (real engine process, simulated WhatsApp, real stores); the
engine and the vault of one number are wrapped so that the test can hold one
of their calls at a gate and see in which order everything ran.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lila_desktop.core.events import (
    Connected,
    Disconnected,
    UserReconnectNow,
    UserStart,
    UserStop,
)
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.supervisor import Engine, SessionSupervisor, Vault
from tests.conftest import PoolHarness

PHONE = "51902049936"
pytestmark = pytest.mark.asyncio


class Recorder:
    """The order of the engine's and the vault's calls; some held at a gate."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}
        self.reached: dict[str, asyncio.Event] = {}

    def hold(self, name: str) -> None:
        self.gates[name] = asyncio.Event()
        self.reached[name] = asyncio.Event()

    async def run(self, name: str, call: Callable[[], Awaitable[Any]]) -> Any:
        self.log.append(f"{name}>")
        if name in self.gates:
            self.reached[name].set()
            await self.gates[name].wait()
        try:
            return await call()
        finally:
            self.log.append(f"<{name}")

    def index(self, entry: str, start: int = 0) -> int:
        return self.log.index(entry, start)


class RecordedEngine:
    def __init__(self, real: Engine, rec: Recorder) -> None:
        self.real, self.rec = real, rec

    async def request(self, op: str, *, timeout: float | None = None, **args: Any) -> Any:
        extra = {} if timeout is None else {"timeout": timeout}
        return await self.rec.run(op, lambda: self.real.request(op, **extra, **args))


class RecordedVault:
    def __init__(self, real: Vault, rec: Recorder) -> None:
        self.real, self.rec = real, rec

    async def prepare_live(self, phone: str) -> Path:
        result: Path = await self.rec.run("prepare_live", lambda: self.real.prepare_live(phone))
        return result

    async def seal(self, phone: str) -> bool:
        return bool(await self.rec.run("seal", lambda: self.real.seal(phone)))

    async def backup(self, phone: str, reason: str, *, connected: bool) -> Any:
        return await self.rec.run(
            f"backup connected={connected}",
            lambda: self.real.backup(phone, reason, connected=connected),
        )

    async def reset(self, phone: str, reason: str) -> None:
        await self.rec.run("reset", lambda: self.real.reset(phone, reason))

    async def quarantine(self, phone: str, reason: str) -> Path:
        result: Path = await self.rec.run("quarantine", lambda: self.real.quarantine(phone, reason))
        return result

    async def has_device(self, phone: str) -> bool:
        return bool(await self.rec.run("has_device", lambda: self.real.has_device(phone)))


@pytest.fixture
def rec(harness: PoolHarness) -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    for gate in recorder.gates.values():  # a red test must not hang the pool's close
        gate.set()


async def _recorded(h: PoolHarness, rec: Recorder) -> SessionSupervisor:
    await h.link(PHONE)
    sup = h.pool._sessions[PHONE]
    engine, vault = RecordedEngine(sup.ctx.engine, rec), RecordedVault(sup.ctx.vault, rec)
    sup.ctx = dataclasses.replace(sup.ctx, engine=engine, vault=vault)

    def published(snap: SessionSnapshot) -> None:
        if snap.phone == PHONE:
            rec.log.append(f"published {snap.status.value}")

    h.pool.subscribe(published)
    return sup


async def _stopping_at_seal(h: PoolHarness, rec: Recorder) -> SessionSupervisor:
    """A linked number told to stop, its chain held at the seal (stop done)."""
    sup = await _recorded(h, rec)
    rec.hold("seal")
    sup.post(UserStop())  # -> CancelRetry, StopClient (stop, then seal: held)
    await rec.reached["seal"].wait()
    return sup


async def test_an_event_is_published_while_the_previous_chain_still_runs(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _stopping_at_seal(harness, rec)
    sup.post(UserStart())
    # Published while the stop's seal is still held, not after it.
    await harness.wait_status(PHONE, "connecting", timeout=5.0)
    assert "<seal" not in rec.log and p.OP_START + ">" not in rec.log
    rec.gates["seal"].set()
    await harness.wait_status(PHONE, "connected")
    # The actions still ran in the order decided: stop, seal, then the new start.
    stop_done = rec.index("<" + p.OP_STOP)
    sealed = rec.index("<seal", stop_done)
    prepared = rec.index("prepare_live>", sealed)
    rec.index(p.OP_START + ">", prepared)


async def test_a_command_runs_between_two_chains_never_inside_one(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _stopping_at_seal(harness, rec)

    async def command() -> None:
        rec.log.append("command")

    loop = asyncio.get_running_loop()
    ran = loop.create_task(sup.call(command))
    loop.call_soon(sup.post, UserStart())  # runs after the task's first step (FIFO): posted after
    await harness.wait_status(PHONE, "connecting", timeout=5.0)
    assert "command" not in rec.log, "a command ran in the middle of the stop's chain"
    rec.gates["seal"].set()
    await ran
    await harness.wait_status(PHONE, "connected")
    # After the whole chain of the event before it, before the chain of the one after.
    assert rec.index("<seal") < rec.index("command") < rec.index("prepare_live>"), " ".join(rec.log)


async def test_an_action_acts_on_what_its_transition_decided(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _recorded(harness, rec)
    rec.hold(p.OP_STOP)
    await harness.pool.simulate(PHONE, "disconnect", {"code": 408})  # reconnecting: no seal
    await rec.reached[p.OP_STOP].wait()
    sup.post(UserStop())  # decided while the glitch's stop is held: this stop seals
    await harness.wait_status(PHONE, "stopped", timeout=5.0)
    rec.gates[p.OP_STOP].set()
    await sup.call(_nothing)
    first_done = rec.index("<" + p.OP_STOP)
    second = rec.index(p.OP_STOP + ">", first_done)
    assert rec.log.count("seal>") == 1, rec.log
    assert rec.index("seal>") > second, "the glitch's stop sealed: it read today's state"


async def test_a_backup_counts_as_connected_when_its_transition_said_so(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _recorded(harness, rec)
    rec.hold(p.OP_START)
    sup.post(UserReconnectNow())
    await rec.reached[p.OP_START].wait()
    sup.post(Connected())  # -> BackupStore, queued behind the held start
    await harness.wait_status(PHONE, "connected", timeout=5.0)
    sup.post(Disconnected(408, "glitch"))  # decided before that backup runs
    await harness.wait_status(PHONE, "reconnecting", timeout=5.0)
    rec.gates[p.OP_START].set()
    await sup.call(_nothing)
    backups = [entry for entry in rec.log if entry.startswith("backup")]
    assert backups[0] == "backup connected=True>", rec.log


async def test_a_replaced_client_is_stale_once_its_successor_is_decided(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _recorded(harness, rec)
    old = sup.generation
    rec.hold(p.OP_STOP)
    sup.post_wire({"ev": p.EV_DISCONNECTED, "gen": old, "code": 408, "reason": "glitch"})
    await rec.reached[p.OP_STOP].wait()
    sup.post(UserReconnectNow())  # a new client is decided; the old one is not stopped yet
    await harness.wait_status(PHONE, "connecting", timeout=5.0)
    sup.post_wire({"ev": p.EV_CONNECTED, "gen": old})  # the old client's last word: dropped
    rec.gates[p.OP_STOP].set()
    await harness.wait_status(PHONE, "connected")
    started = rec.index("<" + p.OP_START)
    assert rec.index("published connected", rec.index("published connecting")) > started


async def _nothing() -> None:
    return None


async def test_a_commands_decision_acts_after_the_chains_decided_before_it(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _recorded(harness, rec)
    rec.hold("check")  # the command's own work before it decides (as a restore's check)

    async def stop_after_check() -> None:
        await rec.run("check", _nothing)
        await sup.apply(UserStop())

    stopping = asyncio.get_running_loop().create_task(sup.call(stop_after_check))
    await rec.reached["check"].wait()
    sup.post(UserReconnectNow())  # decided during the command: stop, then start a new client
    await harness.wait_status(PHONE, "connecting", timeout=5.0)
    rec.gates["check"].set()
    await stopping
    assert sup.snapshot.status.value == "stopped"
    # The command decided last, so its stop acts last: the number is not left running.
    started = rec.index("<" + p.OP_START)
    rec.index(p.OP_STOP + ">", started)


async def test_closing_finishes_the_queued_chains_in_order(
    harness: PoolHarness, rec: Recorder
) -> None:
    sup = await _stopping_at_seal(harness, rec)
    sup.post(UserStart())
    await harness.wait_status(PHONE, "connecting", timeout=5.0)
    closing = asyncio.get_running_loop().create_task(sup.aclose())
    rec.gates["seal"].set()
    await closing
    # Both chains ran to their end, in order, before the close returned.
    rec.index(p.OP_START + ">", rec.index("<seal"))
    calls = [entry for entry in rec.log if not entry.startswith("published")]
    assert calls[-1] == "<" + p.OP_START, rec.log
