"""The real neonize inside the real engine process, up to the network.

WhatsApp is unreachable here, so every dial fails on DNS within
milliseconds; whatsmeow would never retry a failed first connect (hazard 9),
so what this shows is our policy doing it, with backoff, through real Go code.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lila_desktop.core.backoff import Backoff
from lila_desktop.core.messages import Code
from lila_desktop.core.policy import PolicyConfig
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import SessionVault
from tests.conftest import MemoryKeyStore

pytestmark = [pytest.mark.asyncio, pytest.mark.neonize]
POLICY = PolicyConfig(backoff=Backoff(base=0.2, cap=0.8, jitter=0.0), grace_period=30.0)


def _pool(tmp_path: Path, keystore: MemoryKeyStore) -> SessionPool:
    pool: SessionPool
    engine = EngineClient(
        "neonize",
        on_event=lambda m: pool.on_engine_event(m),
        on_died=lambda r: pool.on_engine_died(r),
    )
    pool = SessionPool(
        engine=engine,
        vault=SessionVault(tmp_path / "data", tmp_path / "run", keystore),
        registry=SessionRegistry(tmp_path / "data" / "sessions.json"),
        config=POLICY,
    )
    return pool


async def test_policy_retries_real_neonize_dials_with_backoff(
    tmp_path: Path, keystore: MemoryKeyStore
) -> None:
    pool = _pool(tmp_path, keystore)
    seen: list[SessionSnapshot] = []
    pool.subscribe(seen.append)
    await pool.start()
    try:
        phone = "51902049935"
        await pool.add(phone)
        await pool.wait_for(
            phone, lambda s: s.status is Status.RECONNECTING and s.attempt >= 4, timeout=30
        )
        stats = await pool.engine.request("stats")
        assert stats["connects"] >= 4
        # The store neonize created is the whatsmeow schema, and nothing was lost.
        assert store_schema.has_device(pool.vault.live_path(phone)) is False
        attempts = sorted({s.attempt for s in seen if s.status is Status.RECONNECTING})
        assert attempts[:4] == [1, 2, 3, 4]
        assert pool.engine.restarts == 0, "neonize did not crash the engine"
        message = pool.snapshot(phone).message
        assert message is not None and message.code is Code.NOT_LINKED_RETRYING  # a new number
    finally:
        await asyncio.wait_for(pool.aclose(), 60)


async def test_paired_store_reconnects_through_neonize_and_keeps_the_device(
    tmp_path: Path, keystore: MemoryKeyStore
) -> None:
    pool = _pool(tmp_path, keystore)
    await pool.start()
    try:
        phone = "51902049936"
        live = pool.vault.live_path(phone)
        live.parent.mkdir(parents=True, exist_ok=True)
        jid = store_schema.make_paired_store(live, phone)
        await pool.add(phone)
        await pool.wait_for(
            phone, lambda s: s.status is Status.RECONNECTING and s.attempt >= 2, timeout=30
        )
        assert store_schema.device_jid(live) == jid, "a failed dial never costs the login"
        message = pool.snapshot(phone).message
        assert message is not None and message.code is Code.LOST_RECONNECTING
    finally:
        await asyncio.wait_for(pool.aclose(), 60)
