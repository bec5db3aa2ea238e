"""A refused request in the owner's language: what went wrong and what to do.

Services refuse with an exception that carries a stable `code` (or is of a
known class) and an English sentence for programs and logs. The window never
shows that English: the bridge turns every refusal into these words. A
refusal we have no words for yet keeps its English detail behind a
translated lead-in, so the owner still sees what to do.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from lila_desktop.core.phone import InvalidPhoneNumber
from lila_desktop.core.quota import QuotaError
from lila_desktop.services.engine.client import EngineError
from lila_desktop.services.messaging import MessageRefused
from lila_desktop.services.pool import PoolError
from lila_desktop.services.vault import (
    BackupNotFound,
    InvalidTimestamp,
    StoreUnreadable,
    VaultUnavailable,
)

_ENGINE_DOWN = ("ENGINE_UNAVAILABLE", "NOT_CONNECTED", "NOT_RUNNING")


def refusal_text(exc: BaseException, phone: str | None = None) -> str:
    """The owner-facing sentence for a refused request (translated)."""
    code = getattr(exc, "code", None)
    who = f"+{phone}" if phone else QCoreApplication.translate("Refusal", "This number")
    if isinstance(exc, InvalidPhoneNumber):
        return QCoreApplication.translate(
            "Refusal",
            "Type the phone number with its country code, digits only, e.g. 51902049935.",
        )
    if code in ("SESSION_NOT_FOUND",):
        return QCoreApplication.translate(
            "Refusal", "%1 is not in the list. Add the number first."
        ).replace("%1", who)
    if code == "NOT_PAIRING":
        return QCoreApplication.translate(
            "Refusal", "Start linking first: the number must be showing a QR code."
        )
    if code == "SESSION_NOT_CONNECTED":
        return QCoreApplication.translate(
            "Refusal", "%1 is not connected. Wait until it is connected, then try again."
        ).replace("%1", who)
    if code in _ENGINE_DOWN or (isinstance(exc, EngineError) and code is None):
        return QCoreApplication.translate(
            "Refusal",
            "The WhatsApp connection is restarting. Try again in a moment; Lila reconnects "
            "by itself.",
        )
    if isinstance(exc, BackupNotFound | InvalidTimestamp):
        return QCoreApplication.translate(
            "Refusal",
            "That backup is not there. Pick one from the list of backups, or link the "
            "number again with a new QR.",
        )
    if isinstance(exc, StoreUnreadable):
        return QCoreApplication.translate(
            "Refusal",
            "The saved login could not be read. It was moved aside, not deleted: restore "
            "a backup, or link the number again with a new QR.",
        )
    if isinstance(exc, VaultUnavailable):
        return QCoreApplication.translate(
            "Refusal",
            "The safe that keeps the logins is locked (system keyring). Unlock it, then try again.",
        )
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "Refusal",
            "The computer refused to write a file (%1). Free some disk space or check the "
            "data folder, then try again.",
        ).replace("%1", exc.strerror or type(exc).__name__)
    if isinstance(exc, PoolError | MessageRefused | QuotaError | EngineError):
        detail = str(exc) or type(exc).__name__
        return QCoreApplication.translate("Refusal", "Lila could not do that: %1").replace(
            "%1", detail
        )
    return str(exc) or type(exc).__name__
