"""The UI tests' loop harness behaves like the app's loop where pytest-qt
processes Qt events outside the test's run_until_complete."""

from __future__ import annotations

import asyncio

import pytestqt.plugin as qt_plugin

from tests.ui.conftest import LoopRunner


def test_tasks_stepped_by_pytest_qt_between_body_and_teardown_see_a_running_loop(
    qloop: LoopRunner,
) -> None:
    reached: list[str] = []

    async def writer() -> int:
        reached.append("started")
        # What the pool's list writer and the webhook sender do between two
        # Qt event passes: hand work to a thread, or wait on several futures.
        return await asyncio.to_thread(lambda: 42)

    task = qloop.loop.create_task(writer())
    for _ in range(50):  # pytest-qt's own call, as between a body and its teardown
        qt_plugin._process_events()
        if reached:
            break
    assert reached == ["started"]
    assert qloop.run(task) == 42
