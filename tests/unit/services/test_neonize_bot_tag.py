"""Hazard 16: the real engine runs with NEONIZE_BOT_TAG=off unless the owner asks.

neonize's Go code reads the variable from the environment it loaded with; with
anything but "off" every 1:1 text carries <bot biz_bot="1"/> and WhatsApp shows
the shop's customers an AI/bot label.
"""

from __future__ import annotations

import asyncio

import psutil
import pytest

from lila_desktop.core.settings import Settings
from lila_desktop.services.engine.client import EngineClient

pytestmark = [pytest.mark.asyncio, pytest.mark.neonize]


async def _engine_env(bot_label: bool) -> tuple[str | None, str | None]:
    engine = EngineClient(
        "neonize", on_event=lambda _m: None, on_died=lambda _r: None, bot_label=bot_label
    )
    await engine.start()
    try:
        assert engine.pid is not None
        stats = await engine.request("stats")  # answered after neonize was imported
        environ = psutil.Process(engine.pid).environ()  # what the process started with
        return environ.get("NEONIZE_BOT_TAG"), stats["bot_tag"]
    finally:
        await asyncio.wait_for(engine.aclose(), 30)


async def test_the_engine_starts_with_the_bot_label_off_by_default() -> None:
    assert Settings().bot_label is False
    assert await _engine_env(Settings().bot_label) == ("off", "off")


async def test_the_owner_can_turn_the_bot_label_on() -> None:
    assert await _engine_env(True) == ("on", "on")
