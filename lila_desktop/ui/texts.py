"""Every owner-facing word that depends on a status or notice kind, translated.

The strings are written out as literal `translate()` calls so that
pyside6-lupdate finds them; results are cached per language
(`clear_cache` runs when the language changes).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.core.status import Severity, Status
from lila_desktop.ui.message_texts import message_text

if TYPE_CHECKING:
    from lila_desktop.core.actions import NoticeKind

_status_cache: dict[Status, str] = {}


def clear_cache() -> None:
    _status_cache.clear()


def status_label(status: Status) -> str:
    if not _status_cache:
        _status_cache.update(
            {
                Status.STOPPED: QCoreApplication.translate("Status", "Stopped"),
                Status.CONNECTING: QCoreApplication.translate("Status", "Connecting"),
                Status.QR: QCoreApplication.translate("Status", "Waiting for QR scan"),
                Status.PAIRING: QCoreApplication.translate("Status", "Waiting for pairing code"),
                Status.CONNECTED: QCoreApplication.translate("Status", "Connected"),
                Status.RECONNECTING: QCoreApplication.translate("Status", "Reconnecting"),
                Status.REPLACED: QCoreApplication.translate("Status", "Opened elsewhere"),
                Status.TEMP_BANNED: QCoreApplication.translate("Status", "Temporarily banned"),
                Status.LOGGED_OUT: QCoreApplication.translate("Status", "Logged out"),
                Status.OUTDATED: QCoreApplication.translate("Status", "App update needed"),
                Status.FAILED: QCoreApplication.translate("Status", "Failed"),
            }
        )
    return _status_cache[status]


def status_text(snap: SessionSnapshot, now: float | None = None) -> str:
    """The status column: label plus the detail that matters (attempt number, backups)."""
    label = status_label(snap.status)
    if snap.status is Status.RECONNECTING and snap.attempt:
        label = (
            QCoreApplication.translate("Status", "%1 (attempt %2)")
            .replace("%1", label)
            .replace("%2", str(snap.attempt))
        )
    return with_backup_state(snap, label)


def with_backup_state(snap: SessionSnapshot, label: str) -> str:
    """`label`, marked when backups of the number fail (window, tray)."""
    if snap.backup_error is None:
        return label
    return QCoreApplication.translate("Status", "%1 — backup failing").replace("%1", label)


def backups_failing(count: int) -> str:
    return QCoreApplication.translate("Status", "backups failing: %1").replace("%1", str(count))


def backup_failing_hint(snap: SessionSnapshot) -> str:
    """Why backups fail and what to do; empty while they work."""
    if snap.backup_error is None:
        return ""
    return QCoreApplication.translate(
        "Hint", "Backups are failing (%1). Free some space or fix the data folder; Lila retries."
    ).replace("%1", snap.backup_error)


def status_hint(snap: SessionSnapshot) -> str:
    """What the owner should know or do: the session's message, else the status's hint."""
    if snap.message is not None:
        return message_text(snap.message)
    return {
        Status.STOPPED: QCoreApplication.translate("Hint", "Press Connect to start it."),
        Status.CONNECTING: QCoreApplication.translate("Hint", "Connecting to WhatsApp…"),
        Status.QR: QCoreApplication.translate(
            "Hint", "Press Link to show the QR code, then scan it with the phone."
        ),
        Status.PAIRING: QCoreApplication.translate("Hint", "Type the pairing code on the phone."),
        Status.CONNECTED: QCoreApplication.translate("Hint", "Working normally."),
        Status.RECONNECTING: QCoreApplication.translate(
            "Hint", "The connection dropped; Lila retries by itself."
        ),
        Status.REPLACED: QCoreApplication.translate(
            "Hint",
            "WhatsApp was opened on another computer. Press Reconnect now to take it back.",
        ),
        Status.TEMP_BANNED: QCoreApplication.translate(
            "Hint", "WhatsApp paused this number for a while; Lila reconnects when it ends."
        ),
        Status.LOGGED_OUT: QCoreApplication.translate(
            "Hint", "Restore a backup below, or link the number again."
        ),
        Status.OUTDATED: QCoreApplication.translate("Hint", "Install the latest Lila Desktop."),
        Status.FAILED: QCoreApplication.translate(
            "Hint", "Something went wrong; see the log, then press Connect."
        ),
    }[snap.status]


def severity_label(level: Severity) -> str:
    return {
        Severity.OK: QCoreApplication.translate("Severity", "All numbers connected"),
        Severity.IDLE: QCoreApplication.translate("Severity", "No number running"),
        Severity.WORKING: QCoreApplication.translate("Severity", "Some numbers are connecting"),
        Severity.ATTENTION: QCoreApplication.translate("Severity", "A number needs you"),
    }[level]


def notice_title(kind: NoticeKind, who: str) -> str:
    from lila_desktop.core.actions import NoticeKind  # the policy's actions: after the map

    text = {
        NoticeKind.DOWN: QCoreApplication.translate("Notice", "%1 is still disconnected"),
        NoticeKind.RECOVERED: QCoreApplication.translate("Notice", "%1 is connected again"),
        NoticeKind.REPLACED: QCoreApplication.translate("Notice", "%1 was opened elsewhere"),
        NoticeKind.TEMP_BANNED: QCoreApplication.translate("Notice", "%1 is temporarily banned"),
        NoticeKind.LOGGED_OUT: QCoreApplication.translate("Notice", "%1 was logged out"),
        NoticeKind.OUTDATED: QCoreApplication.translate("Notice", "%1 needs an app update"),
        NoticeKind.CORRUPT: QCoreApplication.translate("Notice", "%1 had a damaged session file"),
        NoticeKind.QR_EXPIRED: QCoreApplication.translate("Notice", "The QR code for %1 expired"),
        NoticeKind.BACKUP_FAILING: QCoreApplication.translate(
            "Notice", "Backups of %1 are failing"
        ),
    }[kind]
    return text.replace("%1", who)


def notice_body(notice: Notice) -> str:
    """A notification's body: what happened and what to do, in the owner's language."""
    return message_text(notice.message)


def notice_hint(kind: NoticeKind) -> str:
    """What to do for a kind of notice (used where no message is at hand)."""
    return {
        NoticeKind.DOWN: QCoreApplication.translate(
            "Notice", "Lila keeps retrying. Check the internet connection."
        ),
        NoticeKind.RECOVERED: QCoreApplication.translate("Notice", "Nothing to do."),
        NoticeKind.REPLACED: QCoreApplication.translate(
            "Notice",
            "WhatsApp Web or another computer took over. Press Reconnect now to take it back.",
        ),
        NoticeKind.TEMP_BANNED: QCoreApplication.translate(
            "Notice", "Lila reconnects by itself when the ban ends."
        ),
        NoticeKind.LOGGED_OUT: QCoreApplication.translate(
            "Notice", "Restore a backup, or link the number again."
        ),
        NoticeKind.OUTDATED: QCoreApplication.translate(
            "Notice", "Install the latest Lila Desktop."
        ),
        NoticeKind.CORRUPT: QCoreApplication.translate("Notice", "Restore the last good backup."),
        NoticeKind.QR_EXPIRED: QCoreApplication.translate(
            "Notice", "Press Link to get a new code."
        ),
        NoticeKind.BACKUP_FAILING: QCoreApplication.translate(
            "Notice", "Free some space or fix the data folder; Lila keeps trying."
        ),
    }[kind]


def group_title(count: int) -> str:
    return QCoreApplication.translate("Notice", "%1 numbers need attention").replace(
        "%1", str(count)
    )


def recovered_group_title(count: int) -> str:
    return QCoreApplication.translate("Notice", "%1 numbers are connected again").replace(
        "%1", str(count)
    )


def who(phone: str, name: str) -> str:
    return f"{name} (+{phone})" if name else f"+{phone}"


def duration(seconds: float) -> str:
    """A short human duration: 45 s, 12 min, 3 h 5 min, 2 days."""
    s = max(0, int(seconds))
    if s < 60:
        return QCoreApplication.translate("Texts", "%1 s").replace("%1", str(s))
    if s < 3600:
        return QCoreApplication.translate("Texts", "%1 min").replace("%1", str(s // 60))
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return (
            QCoreApplication.translate("Texts", "%1 h %2 min")
            .replace("%1", str(h))
            .replace("%2", str(m))
        )
    return QCoreApplication.translate("Texts", "%1 days").replace("%1", str(s // 86400))


def when(epoch: float | None, now: float | None = None) -> str:
    """A moment in local time: the time alone if today, else date and time."""
    if epoch is None:
        return "—"
    moment = QDateTime.fromMSecsSinceEpoch(int(epoch * 1000))
    today = QDateTime.fromMSecsSinceEpoch(int((now or time.time()) * 1000)).date()
    locale = QLocale()
    if moment.date() == today:
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def size(num_bytes: int) -> str:
    return QLocale().formattedDataSize(num_bytes, 1)
