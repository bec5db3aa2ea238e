"""Spanish and English: every string translated, the switch works at run time."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from PySide6.QtCore import QLocale

from lila_desktop.core.status import Status
from lila_desktop.ui import i18n, texts
from tests.ui.conftest import LoopRunner

TS = i18n.TRANSLATIONS / "lila_es.ts"


def test_every_spanish_entry_is_translated() -> None:
    unfinished = [
        m.findtext("source")
        for m in ET.parse(TS).getroot().iter("message")
        if m.find("translation") is None
        or m.find("translation").get("type") in ("unfinished", "obsolete")  # type: ignore[union-attr]
        or not (m.findtext("translation") or "").strip()
    ]
    assert unfinished == []
    assert (i18n.TRANSLATIONS / "lila_es.qm").stat().st_mtime >= TS.stat().st_mtime - 1


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
