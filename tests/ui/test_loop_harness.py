"""The window's loop runs its callbacks as a running loop even when Qt
dispatches them outside run_forever (pytest-qt's processEvents between a
test's body and its teardown; any processEvents while the loop is idle)."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import LoopRunner


def test_tasks_stepped_by_qt_outside_run_see_their_loop_running(qloop: LoopRunner) -> None:
    reached: list[str] = []

    async def writer() -> int:
        reached.append("started")
        # What the pool's list writer and the webhook sender do between two
        # Qt event passes: hand work to a thread, or wait on several futures.
        return await asyncio.to_thread(lambda: 42)

    task = qloop.loop.create_task(writer())
    for _ in range(50):  # Qt events processed while the loop is not running
        QApplication.processEvents()
        if reached:
            break
    assert reached == ["started"]
    assert qloop.run(task) == 42
