"""The window and the tray word a session's message in the owner's language.

Every code's words in both languages: tests/ui/test_message_words.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from lila_desktop.core.actions import NoticeKind
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.ui import i18n, texts
from lila_desktop.ui.tray import TrayController


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    i18n.install_language("es")
    yield
    i18n.install_language("en")


def test_the_status_hint_is_the_sessions_own_message_in_spanish(spanish: None) -> None:
    snap = SessionSnapshot(
        phone="51911111111",
        name="Caja",
        status=Status.LOGGED_OUT,
        since=time.time(),
        desired=False,
        message=Message.of(Code.LOGGED_OUT, code=401),
    )
    hint = texts.status_hint(snap)
    assert hint.startswith("Se cerró la sesión de este número (401)")
    assert "Restaurar" in hint


def test_the_tray_says_what_happened_and_what_to_do_in_spanish(spanish: None) -> None:
    tray = TrayController(group_window_ms=10_000)
    shown: list[tuple[str, str, bool]] = []
    tray.notified.connect(lambda t, b, bad: shown.append((t, b, bad)))
    down = Message.of(Code.STILL_DOWN, minutes=2.0, code=None)
    tray.notify(Notice("51911111111", "Caja", NoticeKind.DOWN, down, time.time()))
    tray.flush_notices()
    [(title, body, bad)] = shown
    assert title == "Caja (+51911111111) sigue desconectado"
    assert body.startswith("Sigue sin conexión después de 2 min (error de red).")
    assert "revisa la conexión a internet" in body and bad
    tray.deleteLater()
