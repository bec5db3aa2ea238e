"""The main window's menus, toolbar and their icons (texts are set by the window's
`retranslate`, where its translations live)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from lila_desktop.ui.icons import action_icon
from lila_desktop.ui.session_actions import SessionActions


@dataclass
class WindowMenus:
    add_action: QAction
    import_action: QAction
    settings_action: QAction
    quit_action: QAction
    about_action: QAction
    logs_action: QAction
    backups_action: QAction
    timeline_action: QAction
    file_menu: QMenu
    number_menu: QMenu
    view_menu: QMenu
    demo_menu: QMenu | None
    help_menu: QMenu
    toolbar: QToolBar


def build_menus(
    window: QMainWindow,
    a: SessionActions,
    signals: dict[str, SignalInstance],
    show_log: Callable[[], None],
    show_backups: Callable[[], None],
    show_timeline: Callable[[], None],
    demo: bool,
) -> WindowMenus:
    def make(
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        signal: SignalInstance | None = None,
    ) -> QAction:
        action = QAction(window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if signal is not None:
            action.triggered.connect(lambda _=False: signal.emit())
        return action

    add = make("add_action", QKeySequence.StandardKey.New, signals["add"])
    import_ = make("import_action", "Ctrl+I", signals["import"])
    settings = make("settings_action", "Ctrl+,", signals["settings"])
    quit_ = make("quit_action", QKeySequence.StandardKey.Quit, signals["quit"])
    about = make("about_action", None, signals["about"])
    logs = make("show_log_action", "Ctrl+Shift+L")
    logs.triggered.connect(lambda: show_log())
    backups = make("show_backups_action", "Ctrl+Shift+B")
    backups.triggered.connect(lambda: show_backups())
    timeline = make("show_timeline_action", "Ctrl+Shift+T")
    timeline.triggered.connect(lambda: show_timeline())

    bar = window.menuBar()
    file_menu = bar.addMenu("")
    file_menu.setObjectName("file_menu")
    for item in (add, import_, None, settings, None, quit_):
        file_menu.addSeparator() if item is None else file_menu.addAction(item)
    number_menu = bar.addMenu("")
    number_menu.setObjectName("number_menu")
    for item in (
        a.link,
        a.connect_,
        a.disconnect_,
        a.reconnect,
        None,
        a.send_test,
        None,
        a.rename,
        a.logout,
        a.remove,
    ):
        number_menu.addSeparator() if item is None else number_menu.addAction(item)
    view_menu = bar.addMenu("")
    view_menu.setObjectName("view_menu")
    view_menu.addAction(timeline)
    view_menu.addAction(backups)
    view_menu.addAction(logs)
    demo_menu = None
    if demo:
        demo_menu = bar.addMenu("")
        demo_menu.setObjectName("demo_menu")
        for action in a.simulations:
            demo_menu.addAction(action)
    help_menu = bar.addMenu("")
    help_menu.setObjectName("help_menu")
    help_menu.addAction(about)

    tools = QToolBar(window)
    tools.setObjectName("main_toolbar")
    tools.setMovable(False)
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    tools.addAction(add)
    tools.addSeparator()
    for action in (a.link, a.connect_, a.disconnect_, a.reconnect, a.logout, a.remove):
        tools.addAction(action)
    tools.addSeparator()
    tools.addAction(a.send_test)
    window.addToolBar(tools)
    menus = WindowMenus(
        add, import_, settings, quit_, about, logs, backups, timeline,
        file_menu, number_menu, view_menu, demo_menu, help_menu, tools,
    )  # fmt: skip
    set_icons(window, menus, a)
    return menus


def set_icons(window: QMainWindow, m: WindowMenus, a: SessionActions) -> None:
    """Line icons in the palette's text colour: they follow a light or dark theme."""
    colour = window.palette().color(QPalette.ColorRole.WindowText)
    for action, name in (
        (m.add_action, "add"),
        (m.import_action, "import"),
        (m.settings_action, "settings"),
        (a.link, "link"),
        (a.connect_, "connect"),
        (a.disconnect_, "disconnect"),
        (a.reconnect, "reconnect"),
        (a.logout, "logout"),
        (a.remove, "remove"),
        (a.send_test, "send"),
    ):
        action.setIcon(action_icon(name, colour))
