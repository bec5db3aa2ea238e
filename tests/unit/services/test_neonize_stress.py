"""Hazard 13: our own calls must never abort the real engine ("concurrent map writes").

The real engine process (`--transport neonize`) gets what an app with many
numbers sends it when the network is down: every number connecting and
stopping over and over, with sends and pairing-code requests in between,
all at once. neonize's Go side writes shared maps while it sets a client up
and when it stops one, and reads them on every call; only our lock keeps
them apart. Offline every dial fails on DNS within milliseconds, which packs
the rounds as tightly as they can ever come.

LILA_NEONIZE_STRESS_ROUNDS raises the rounds per number (default 5: 20
numbers x 5 = 100 connect/stop rounds).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient, EngineError

pytestmark = [pytest.mark.asyncio, pytest.mark.neonize]

NUMBERS = 20
ROUNDS = int(os.environ.get("LILA_NEONIZE_STRESS_ROUNDS", "5"))


async def test_connect_stop_send_and_pair_storm_never_aborts_the_engine(tmp_path: Path) -> None:
    died: list[str] = []
    engine = EngineClient("neonize", on_event=lambda _m: None, on_died=died.append)
    await engine.start()
    pid = engine.pid
    rounds_done = 0
    refusals: set[str] = set()

    async def refused(op: str, **args: object) -> None:
        try:
            # Bounded here: an engine still waiting for a QR must not pace the storm.
            await engine.request(op, timeout=5, **args)
        except EngineError as exc:
            refusals.add(exc.code)

    async def number(i: int) -> None:
        nonlocal rounds_done
        phone = f"5190100{i:04d}"
        store = tmp_path / f"{phone}.db"
        for gen in range(1, ROUNDS + 1):
            if died:
                return
            await engine.request(p.OP_START, phone=phone, gen=gen, store=str(store))
            # The stop goes out with the other requests, as the pool's may when
            # the owner presses Disconnect while a send is under way.
            await asyncio.gather(
                refused(p.OP_SEND_TEXT, phone=phone, to="51911111111", text="hola"),
                refused(p.OP_PAIR_PHONE, phone=phone),
                engine.request(p.OP_STOP, phone=phone),
                refused(p.OP_SEND_TEXT, phone=phone, to="51922222222", text="chau"),
            )
            rounds_done += 1

    try:
        base = await engine.request(p.OP_STATS)
        await asyncio.gather(*(number(i) for i in range(NUMBERS)), return_exceptions=True)
        stats = await engine.request(p.OP_STATS)
    finally:
        await asyncio.wait_for(engine.aclose(), 60)
    print(
        f"stress: {rounds_done} rounds, refusals {sorted(refusals)}, before {base}, after {stats}"
    )
    assert died == [], f"the engine aborted after {rounds_done} connect/stop rounds: {died}"
    assert engine.restarts == 0 and stats["pid"] == pid
    assert rounds_done == NUMBERS * ROUNDS
    assert stats["connects"] == NUMBERS * ROUNDS and stats["clients"] == 0
    # Offline nothing is ever sent or paired: each request is refused in words.
    assert refusals and "ENGINE_UNAVAILABLE" not in refusals
    # Every round was a link attempt of a new number aborted by its stop: the
    # engine's threads stay bounded and no Go worker stays parked.
    assert stats["lingering"] == 0 and stats["threads"] < base["threads"] + 20, (base, stats)
    # One SQLite handle per connect stays open in Go (hazard 6): bounded by the recycle.
    assert stats["fds"] <= base["fds"] + stats["connects"] + 10
