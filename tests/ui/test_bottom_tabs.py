"""The tabs below the list, built in two steps when the window starts: the tab
bar first (the window maps sooner), the views right after, with nothing the
owner did in between lost (the selected number, the chosen tab)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from lila_desktop.core.status import Status
from lila_desktop.core.timeline import EventKind, HistoryEvent
from lila_desktop.services.history import SessionHistory
from lila_desktop.ui.bridge import PoolBridge
from lila_desktop.ui.main_window import MainWindow
from lila_desktop.ui.widgets.bottom_tabs import BottomTabs
from lila_desktop.ui.widgets.log_view import LogView
from tests.ui.conftest import LoopRunner, PoolHarness, wait_until

A = "51911111111"


def test_the_tab_bar_comes_first_then_the_views_in_its_places(
    qtbot: QtBot, qloop: LoopRunner, ui_harness: PoolHarness, tmp_path: Path
) -> None:
    tabs = BottomTabs(PoolBridge(ui_harness.pool), tmp_path / "lila.log", later=True)
    qtbot.addWidget(tabs)
    tabs.retranslate()
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles == ["&Timeline", "&Backups", "Lo&g"] and not tabs.built
    tabs.setCurrentIndex(2)  # the owner chose the log before the views existed
    tabs.set_phone(A)
    with qtbot.waitSignal(tabs.views_built):
        views = tabs.build()
    assert [tabs.tabText(i) for i in range(tabs.count())] == titles
    assert [tabs.widget(i) for i in range(3)] == list(views)
    assert tabs.currentWidget() is views.log_view
    assert views.history_view.phone == A and views.backups.phone == A
    assert tabs.build() is views  # once
    qloop.run(asyncio.sleep(0.05))  # the views' reads of the (absent) backups end


def test_asking_for_a_view_builds_them(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(PoolBridge(None), tmp_path / "lila.log", starting=True)
    qtbot.addWidget(window)
    assert not window.tabs.built
    assert isinstance(window.log_view, LogView) and window.tabs.built
    # Tab from the tabs reaches the timeline's range buttons next (past the tab
    # widget's own parts), then its picture: the order is set again once they exist.
    view = window.history_view
    own_parts = (window.tabs, window.tabs.tabBar())
    after: list[QWidget] = []
    widget = window.tabs.nextInFocusChain()
    while widget is not window.tabs and len(after) < 4:
        if widget.parentWidget() not in own_parts:
            after.append(widget)
        widget = widget.nextInFocusChain()
    assert after == [*view.range_buttons.values(), view.canvas]


def test_a_history_opened_after_the_views_is_drawn_and_followed(
    qtbot: QtBot, qloop: LoopRunner, ui_harness: PoolHarness, tmp_path: Path
) -> None:
    window = MainWindow(PoolBridge(ui_harness.pool), tmp_path / "lila.log", starting=True)
    qtbot.addWidget(window)
    panel = window.tabs.build().history_view
    assert panel.history is None
    history = SessionHistory(tmp_path)
    window.attach_history(history)
    assert panel.history is history and window.history is history

    async def scenario() -> None:
        panel.set_phone(A)
        assert panel.title.text().endswith("not linked yet")
        history.record(HistoryEvent(time.time() - 60, A, EventKind.STATUS, Status.CONNECTED))
        await wait_until(lambda: "connected 100 %" in panel.title.text(), what="redrawn")

    qloop.run(scenario())
