"""Every control has a name a screen reader can say (asked through Qt's own
accessibility interface), every action has words, and Tab walks the window in
a sensible order."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTabBar,
    QWidget,
)

from lila_desktop.core.status import Status
from lila_desktop.ui.dialogs.link_dialog import LinkDialog
from lila_desktop.ui.widgets.timeline_canvas import TimelineCanvas
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_history_support import HApp, happ, registry_saved

__all__ = ["happ"]
A, B = "51911111111", "51922222222"
CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTabBar,
    TimelineCanvas,
)


def spoken_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None, f"{widget} has no accessibility interface"
    return iface.text(QAccessible.Text.Name).replace("&", "").strip()


def _inside_combo(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def nameless(root: QWidget) -> list[str]:
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, CONTROLS):
            continue
        if widget.isHidden() or isinstance(widget, QHeaderView) or _inside_combo(widget):
            continue  # not shown now; headers and combo pop-ups speak for their items
        if widget.objectName().startswith("qt_"):
            continue  # Qt's own parts (the tab bar's scroll arrows) name themselves
        if not spoken_name(widget):
            parent = widget.parentWidget()
            where = parent.objectName() or type(parent).__name__ if parent else ""
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {where}")
    return missing


def wordless_actions(root: QWidget) -> list[str]:
    return [
        f"{action.objectName()!r} of {action.parent().objectName()}"
        for action in root.findChildren(QAction)
        if not action.isSeparator()
        and not action.text().replace("&", "").strip()
        and not action.objectName().startswith("_q_")  # Qt's own (a line edit's clear button)
        and action.parent().objectName()  # not Qt's menu-bar overflow menu
    ]


def test_every_control_and_action_has_a_name(qloop: LoopRunner, happ: HApp) -> None:
    window = happ.window

    async def scenario() -> None:
        await happ.harness.link(A)
        await happ.harness.pool.add(B)  # one waiting for its scan: the inline QR shows
        await wait_until(lambda: window.model.rowCount() == 2)
        window.select_phone(B)
        await wait_until(window.link_panel.qr_view.has_code)
        await registry_saved(happ, A, B)

    qloop.run(scenario())
    assert nameless(window) == []  # the main view, the first-run flow and the panels
    assert wordless_actions(window) == []
    tray_actions = happ.tray.menu.actions()
    assert [a.text() for a in tray_actions if not a.isSeparator() and not a.text()] == []
    assert any(a.text().startswith("+51911111111") for a in tray_actions)
    dialog = LinkDialog(happ.bridge, None, window)
    try:
        assert nameless(dialog) == []
    finally:
        dialog.done(0)
        dialog.deleteLater()


def test_tab_goes_from_the_list_to_what_the_number_needs_then_its_timeline(
    qloop: LoopRunner, happ: HApp
) -> None:
    window = happ.window

    async def scenario() -> None:
        await happ.harness.link(A)
        await happ.harness.pool.simulate(A, "logout", {"code": 401})
        await wait_until(lambda: happ.harness.pool.snapshot(A).status is Status.LOGGED_OUT)
        window.select_phone(A)
        await wait_until(window.number_panel.fix_button.isVisible, what="what to do")
        await registry_saved(happ, A)

    qloop.run(scenario())
    chain: list[str] = []
    widget = window.table.nextInFocusChain()
    while widget is not window.table and len(chain) < 200:
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy().value & 1:
            chain.append(widget.objectName() or type(widget).__name__)
        widget = widget.nextInFocusChain()
    order = [
        "fix_button",
        "bottom_tabs",
        "range_1d_button",
        "range_7d_button",
        "range_30d_button",
        "timeline_canvas",
    ]
    positions = [chain.index(name) if name in chain else -1 for name in order]
    assert -1 not in positions, chain
    assert positions == sorted(positions), chain
