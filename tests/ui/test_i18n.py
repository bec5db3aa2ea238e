"""Spanish and English: every string translated, the switch works at run time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QLocale

from lila_desktop.core.status import Status
from lila_desktop.ui import i18n, texts
from tests.ui.conftest import LoopRunner

TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "lila_es.ts"


def test_every_spanish_entry_is_translated() -> None:
    unfinished = [
        m.findtext("source")
        for m in ET.parse(TS).getroot().iter("message")
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete")  # type: ignore[union-attr]
        or not (m.findtext("translation") or "").strip()
    ]
    assert unfinished == []
    # An empty context means lupdate could not tell which class a tr() belongs to,
    # and the translation would never be found at run time.
    assert all(ctx.findtext("name") for ctx in ET.parse(TS).getroot().iter("context"))


def test_system_locale_decides_unless_chosen() -> None:
    assert i18n.resolve_language("system", QLocale("es_PE")) == "es"
    assert i18n.resolve_language("system", QLocale("de_DE")) == "en"
    assert i18n.resolve_language("en", QLocale("es_PE")) == "en"


def test_switching_language_changes_the_words(qloop: LoopRunner) -> None:
    try:
        assert i18n.install_language("es") == "es"
        assert texts.status_label(Status.CONNECTED) == "Conectado"
        assert texts.status_label(Status.LOGGED_OUT) == "Sesión cerrada"
        assert texts.duration(125) == "2 min"
        assert texts.group_title(3) == "3 números necesitan atención"
    finally:
        i18n.install_language("en")
    assert texts.status_label(Status.CONNECTED) == "Connected"


def deliver_language_change() -> None:
    """Qt posts LanguageChange; the running app delivers it on the next loop turn."""
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def test_window_menus_and_actions_follow_the_language(qloop: LoopRunner, tmp_path) -> None:
    from lila_desktop.ui.bridge import PoolBridge
    from lila_desktop.ui.main_window import MainWindow
    from tests.conftest import MemoryKeyStore, build_test_pool

    bridge = PoolBridge(build_test_pool(tmp_path / "d", tmp_path / "r", MemoryKeyStore()))
    window = MainWindow(bridge, tmp_path / "combined.log")
    try:
        i18n.install_language("es")
        deliver_language_change()
        assert window.actions_.disconnect_.text() == "&Desconectar"
        assert window.actions_.link.text() == "&Vincular…"
        assert window.timeline.restore_button.text() == "&Restaurar…"
        assert window.tabs.tabText(window.tabs.indexOf(window.log_view)) == "Re&gistro"
    finally:
        i18n.install_language("en")
        deliver_language_change()
    assert window.actions_.disconnect_.text() == "&Disconnect"
    window.deleteLater()
