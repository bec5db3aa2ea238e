"""The selected number's "connected x % of the last 24 hours" follows its history."""

from __future__ import annotations

import time

from lila_desktop.core.status import Status
from lila_desktop.core.timeline import EventKind, HistoryEvent
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_history_support import HApp, happ, registry_saved

__all__ = ["happ"]  # the fixture
A = "51911111111"


def test_the_detail_uptime_follows_a_history_that_changes(qloop: LoopRunner, happ: HApp) -> None:
    window = happ.window
    facts = window.number_panel.facts

    async def scenario() -> None:
        await happ.harness.link(A)
        window.select_phone(A)
        await wait_until(lambda: "100 %" in facts.text(), what="a flawless day so far")
        # An earlier drop learnt afterwards (the demo's seeded day, a history
        # read late): two hours, half an hour of it reconnecting.
        now = time.time()
        for at, status in ((7200, Status.CONNECTED), (3600, Status.RECONNECTING)):
            happ.history.record(HistoryEvent(now - at, A, EventKind.STATUS, status))
        happ.history.record(HistoryEvent(now - 1800, A, EventKind.STATUS, Status.CONNECTED))
        await wait_until(lambda: "100 %" not in facts.text(), what="the detail drawn again")
        assert window.model.uptime(A) is not None and window.model.uptime(A) < 0.9
        await registry_saved(happ, A)

    qloop.run(scenario())
