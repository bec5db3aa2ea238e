"""Every owner-facing code has words in English and Spanish, in every face.

The window and tray render a `Message` in the owner's language
(ui/message_texts.py and the Qt translation); the API and the logs in English
(services/wording.py). A code without English or without Spanish fails here.
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
from lila_desktop.services.wording import english
from lila_desktop.ui import i18n, texts
from lila_desktop.ui.message_texts import message_text
from lila_desktop.ui.tray import TrayController

PARAMS: dict[Code, dict[str, str | int | float | None]] = {
    Code.LOST_WHILE_LINKING: {"code": 428},
    Code.LOST_RECONNECTING: {"code": 408},
    Code.NOT_LINKED_RETRYING: {"code": None},
    Code.STILL_DOWN: {"minutes": 2.0, "code": None},
    Code.REPLACED_RETRYING: {"seconds": 30.0},
    Code.TEMP_BANNED: {"until": 1_800_000_000.0},
    Code.LOGGED_OUT: {"code": 401},
    Code.STORE_CORRUPT: {"reason": "file is not a database"},
    Code.LIST_RECOVERED: {"count": 3, "unnamed": 1, "aside": "/x/sessions.json.1.damaged"},
    Code.SETTINGS_RECOVERED: {"aside": None, "from_copy": 1},
}


def message(code: Code) -> Message:
    return Message.of(code, **PARAMS.get(code, {}))


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    i18n.install_language("es")
    yield
    i18n.install_language("en")


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_english_and_spanish(qapp: QApplication, code: Code) -> None:
    i18n.install_language("en")
    en = message_text(message(code))
    api = english(message(code))
    i18n.install_language("es")
    try:
        es = message_text(message(code))
    finally:
        i18n.install_language("en")
    assert en and api and es
    assert es != en, f"{code}: no Spanish ({en!r})"
    for value in PARAMS.get(code, {}).values():  # parameters reach the words
        if isinstance(value, int) and code is not Code.SETTINGS_RECOVERED:
            assert str(value) in en and str(value) in es and str(value) in api


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
