"""Words of the timeline and the at-a-glance summary, in the owner's language.

Kept apart from ui/texts.py (status words) so that the window's new words do
not collide with the status codes other changes render there.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from lila_desktop.core.status import Severity, Status, severity

if TYPE_CHECKING:
    from lila_desktop.core.timeline import Band


def band_label(band: Band) -> str:
    from lila_desktop.core.timeline import Band  # the timeline's model: after the map

    return {
        Band.UP: QCoreApplication.translate("Timeline", "Connected"),
        Band.WORKING: QCoreApplication.translate("Timeline", "Connecting or retrying"),
        Band.DOWN: QCoreApplication.translate("Timeline", "Needed you"),
        Band.IDLE: QCoreApplication.translate("Timeline", "Stopped"),
        Band.OFF: QCoreApplication.translate("Timeline", "Lila was not running"),
        Band.NONE: QCoreApplication.translate("Timeline", "Not in Lila yet"),
    }[band]


def drop_reason(code: int | None, reason: str | None) -> str:
    """Why a connection dropped, in plain words (the code in brackets for support)."""
    words = {
        401: QCoreApplication.translate("Timeline", "the phone removed this computer"),
        403: QCoreApplication.translate("Timeline", "WhatsApp refused the login"),
        406: QCoreApplication.translate("Timeline", "the phone removed this computer"),
        402: QCoreApplication.translate("Timeline", "WhatsApp paused the number"),
        405: QCoreApplication.translate("Timeline", "this app needs an update"),
        408: QCoreApplication.translate("Timeline", "the connection timed out"),
        428: QCoreApplication.translate("Timeline", "WhatsApp closed the connection"),
        440: QCoreApplication.translate("Timeline", "opened on another computer"),
        500: QCoreApplication.translate("Timeline", "WhatsApp had a problem"),
        503: QCoreApplication.translate("Timeline", "WhatsApp was unavailable"),
        515: QCoreApplication.translate("Timeline", "WhatsApp asked to reconnect"),
    }
    if code in words:
        return f"{words[code]} ({code})"
    lowered = (reason or "").lower()
    if any(w in lowered for w in ("network", "dns", "socket", "unreachable", "internet")):
        return QCoreApplication.translate("Timeline", "the internet connection was lost")
    if "engine" in lowered:
        return QCoreApplication.translate("Timeline", "Lila's connection helper restarted")
    if code is not None:
        return QCoreApplication.translate("Timeline", "code %1").replace("%1", str(code))
    return reason or QCoreApplication.translate("Timeline", "no reason given")


def range_label(days: int) -> str:
    if days == 1:
        return QCoreApplication.translate("Timeline", "24 hours")
    return QCoreApplication.translate("Timeline", "%1 days").replace("%1", str(days))


def uptime_text(share: float | None) -> str:
    if share is None:
        return "—"
    # Rounded down: 99.96 % must not read as 100 %; only a flawless stretch says 100.
    shown = "100" if share >= 1 else f"{math.floor(share * 1000) / 10:.1f}"
    return QCoreApplication.translate("Timeline", "%1 %").replace("%1", shown)


def summary(statuses: list[Status]) -> tuple[str, Severity]:
    """The line at the top of the window: all well, or how many numbers need the owner."""
    if not statuses:
        return QCoreApplication.translate("Timeline", "No number linked yet"), Severity.IDLE
    levels = [severity(s) for s in statuses]
    attention = levels.count(Severity.ATTENTION)
    working = levels.count(Severity.WORKING)
    idle = levels.count(Severity.IDLE)
    total = len(statuses)
    if attention:
        text = (
            QCoreApplication.translate("Timeline", "1 number needs you")
            if attention == 1
            else QCoreApplication.translate("Timeline", "%1 numbers need you").replace(
                "%1", str(attention)
            )
        )
        return text, Severity.ATTENTION
    if working:
        return (
            QCoreApplication.translate("Timeline", "%1 of %2 connected, the rest on their way")
            .replace("%1", str(levels.count(Severity.OK)))
            .replace("%2", str(total)),
            Severity.WORKING,
        )
    if idle == total:
        return QCoreApplication.translate("Timeline", "All numbers are stopped"), Severity.IDLE
    if idle:
        return (
            QCoreApplication.translate("Timeline", "%1 of %2 connected, %3 stopped by you")
            .replace("%1", str(total - idle))
            .replace("%2", str(total))
            .replace("%3", str(idle)),
            Severity.OK,
        )
    if total == 1:
        return QCoreApplication.translate("Timeline", "Your number is connected"), Severity.OK
    if total == 2:
        return QCoreApplication.translate("Timeline", "Both numbers connected"), Severity.OK
    return (
        QCoreApplication.translate("Timeline", "All %1 numbers connected").replace(
            "%1", str(total)
        ),
        Severity.OK,
    )


def severity_tooltip(level: Severity) -> str:
    """What a status light's shape and colour mean (for the tooltip and screen readers)."""
    return {
        Severity.OK: QCoreApplication.translate("Timeline", "Green circle: connected"),
        Severity.IDLE: QCoreApplication.translate("Timeline", "Grey square: stopped"),
        Severity.WORKING: QCoreApplication.translate(
            "Timeline", "Amber diamond: connecting or retrying by itself"
        ),
        Severity.ATTENTION: QCoreApplication.translate("Timeline", "Red triangle: needs you"),
    }[level]


def row_action(status: Status) -> str | None:
    """What to do, short enough for the status column of the sessions table."""
    return {
        Status.LOGGED_OUT: QCoreApplication.translate("Timeline", "link it again"),
        Status.REPLACED: QCoreApplication.translate("Timeline", "take it back"),
        Status.FAILED: QCoreApplication.translate("Timeline", "press Connect"),
        Status.OUTDATED: QCoreApplication.translate("Timeline", "update Lila"),
    }.get(status)
