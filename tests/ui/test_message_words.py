"""Every owner-facing code has words in English and Spanish, in every face.

The window and tray render a `Message` in the owner's language
(ui/message_texts.py and the Qt translation); the API and the logs in English
(services/wording.py). A code without English or without Spanish fails here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from lila_desktop.core.messages import Code, Message
from lila_desktop.services.wording import english
from lila_desktop.ui import i18n
from lila_desktop.ui.message_texts import message_text


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """No QObject is made here (only words): the UI suite's per-test collections
    (tests/ui/conftest.py) would cost more than all of these tests."""
    yield


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
    Code.START_API_PORT: {"source": "--api-port", "value": "70000"},
    Code.START_API_KEY: {"min": 16},
    Code.START_PASSPHRASE_EMPTY: {"min": 8},
    Code.START_PASSPHRASE_SHORT: {"min": 8},
    Code.START_QUOTA_LIMIT: {"value": "ten"},
    Code.START_DATA_DIR_FILE: {"path": "/srv/lila"},
    Code.START_DATA_DIR_UNSAFE: {"path": "/srv/lila"},
    Code.START_DATA_DIR_CREATE: {"path": "/srv/lila", "reason": "Permission denied"},
    Code.START_DATA_DIR_WRITE: {"path": "/srv/lila"},
    Code.START_PORT_IN_USE: {"port": 3001},
    Code.START_PORT_UNUSABLE: {"port": 80, "reason": "Permission denied"},
    Code.START_DISK_FULL: {"path": "/srv/lila"},
    Code.START_OTHER: {"detail": "The keyring is locked."},
}


def message(code: Code) -> Message:
    return Message.of(code, **PARAMS.get(code, {}))


@pytest.fixture(scope="module")
def words(qapp: QApplication) -> dict[Code, tuple[str, str, str | None]]:
    """Every code worded once per language: (window in English, in Spanish, API)."""
    i18n.install_language("en")
    en = {code: message_text(message(code)) for code in Code}
    i18n.install_language("es")
    try:
        es = {code: message_text(message(code)) for code in Code}
    finally:
        i18n.install_language("en")
    return {code: (en[code], es[code], english(message(code))) for code in Code}


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_english_and_spanish(
    words: dict[Code, tuple[str, str, str | None]], code: Code
) -> None:
    en, es, api = words[code]
    assert en and api and es
    assert es != en, f"{code}: no Spanish ({en!r})"
    for value in PARAMS.get(code, {}).values():  # parameters reach the words
        if isinstance(value, int) and code is not Code.SETTINGS_RECOVERED:
            assert str(value) in en and str(value) in es and str(value) in api
