"""A logout (or a corrupt store) is on disk before the store is gone (found by
the long chaos campaign: the app was killed within the list's 0.2 s debounce
after a logout reset the store; the restart found a number without a store
and no parked status, and greeted it with a QR instead of "logged out:
Restore or link again"). Over a real pool, engine and vault (simulated
WhatsApp)."""

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


@pytest.mark.parametrize(
    ("fault", "args", "step", "parked"),
    [
        ("logout", {"code": 401}, "reset", Status.LOGGED_OUT),
        ("corrupt_store", {}, "quarantine", Status.FAILED),
    ],
)
async def test_the_list_says_parked_before_the_store_goes(
    harness: PoolHarness,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    args: dict[str, Any],
    step: str,
    parked: Status,
) -> None:
    await harness.link(PHONE)
    vault = harness.pool.vault
    real_step = getattr(vault, step)
    seen: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    async def spy(phone: str, reason: str) -> Any:
        # What a restart would read if the app died right now, before the store goes.
        registry = SessionRegistry(Path(harness.data_dir) / "sessions.json")
        if not seen.done():
            seen.set_result({e.phone: e.parked_status for e in registry.load()})
        return await real_step(phone, reason)

    monkeypatch.setattr(vault, step, spy)
    await harness.pool.simulate(PHONE, fault, args)
    await harness.wait(PHONE, lambda s: s.status is parked)
    listed = await asyncio.wait_for(seen, 10)  # a bound on failure only
    assert listed.get(PHONE) == parked.value, listed
