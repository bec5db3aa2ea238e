"""Pairing by code needs time to type the code in: a late request starts a fresh attempt.

WhatsApp's QR codes of one link attempt last ~160 s in all; a code asked for
with less than 60 s of that left would expire under the owner's fingers.
Runs on the simulated WhatsApp (the real one cannot show a QR offline).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from lila_desktop.core.status import Status
from lila_desktop.services import pool as pool_module
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import SessionVault
from tests.conftest import FAST_POLICY, MemoryKeyStore

pytestmark = pytest.mark.asyncio
PHONE = "51906000001"


async def test_a_late_code_request_restarts_the_link_attempt(
    tmp_path: Path, keystore: MemoryKeyStore
) -> None:
    now = [time.time()]
    pool: SessionPool
    engine = EngineClient(
        "simulated",
        on_event=lambda m: pool.on_engine_event(m),
        on_died=lambda r: pool.on_engine_died(r),
    )
    pool = SessionPool(
        engine=engine,
        vault=SessionVault(tmp_path / "data", tmp_path / "run", keystore),
        registry=SessionRegistry(tmp_path / "data" / "sessions.json"),
        config=FAST_POLICY,
        clock=lambda: now[0],
    )
    await pool.start()
    try:
        await pool.add(PHONE)
        first = await pool.wait_for(PHONE, lambda s: s.qr is not None, 10)
        connects = (await engine.request(p.OP_STATS))["connects"]
        # Early in the window: the code is asked for on this attempt.
        await pool.pair_phone(PHONE)
        assert (await engine.request(p.OP_STATS))["connects"] == connects
        await pool.stop_session(PHONE)
        await pool.start_session(PHONE)
        await pool.wait_for(PHONE, lambda s: s.status is Status.QR and s.qr != first.qr, 10)
        connects = (await engine.request(p.OP_STATS))["connects"]
        # Late: less than 60 s of the ~160 s left. A fresh attempt gets the code.
        now[0] += pool_module.QR_WINDOW - pool_module.PAIR_CODE_WINDOW + 1
        code = await pool.pair_phone(PHONE)
        assert len(code) == 8
        assert (await engine.request(p.OP_STATS))["connects"] == connects + 1
        snap = await pool.wait_for(PHONE, lambda s: s.status is Status.PAIRING, 10)
        assert snap.pair_code == code
    finally:
        await asyncio.wait_for(pool.aclose(), 30)
