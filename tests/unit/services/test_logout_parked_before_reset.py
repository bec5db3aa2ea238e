"""A logout (or a corrupt store) is on disk before the store is gone (found by the long chaos
campaign: the app was killed within the list's 0.2 s debounce after a logout
reset the store; the restart found a number without a store and no parked
status, and greeted it with a QR instead of "logged out: Restore or link
again"). Over a real pool, engine and vault (simulated WhatsApp)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from lila_desktop.core.status import Status
from lila_desktop.services.registry import SessionRegistry
from tests.conftest import PoolHarness

PHONE = "51902049935"

pytestmark = pytest.mark.asyncio


async def test_the_list_says_logged_out_before_the_store_is_reset(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.link(PHONE)
    vault = harness.pool.vault
    real_reset = vault.reset
    seen_at_reset: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    async def reset(phone: str, reason: str) -> None:
        # What a restart would read if the app died right now, before the reset.
        registry = SessionRegistry(Path(harness.data_dir) / "sessions.json")
        if not seen_at_reset.done():
            seen_at_reset.set_result({e.phone: e.parked_status for e in registry.load()})
        await real_reset(phone, reason)

    monkeypatch.setattr(vault, "reset", reset)
    await harness.pool.simulate(PHONE, "logout", {"code": 401})
    await harness.wait(PHONE, lambda s: s.status is Status.LOGGED_OUT)
    listed = await asyncio.wait_for(seen_at_reset, 10)  # a bound on failure only
    assert listed.get(PHONE) == "logged_out", listed


async def test_the_list_says_failed_before_a_corrupt_store_is_moved_aside(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.link(PHONE)
    vault = harness.pool.vault
    real_quarantine = vault.quarantine
    seen: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    async def quarantine(phone: str, reason: str) -> Path:
        registry = SessionRegistry(Path(harness.data_dir) / "sessions.json")
        if not seen.done():
            seen.set_result({e.phone: e.parked_status for e in registry.load()})
        return await real_quarantine(phone, reason)

    monkeypatch.setattr(vault, "quarantine", quarantine)
    await harness.pool.simulate(PHONE, "corrupt_store", {})
    await harness.wait(PHONE, lambda s: s.status is Status.FAILED)
    listed = await asyncio.wait_for(seen, 10)  # a bound on failure only
    assert listed.get(PHONE) == "failed", listed
