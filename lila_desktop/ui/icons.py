"""Icons drawn from our own SVGs in lila_desktop/resources/icons."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtGui import QIcon

from lila_desktop.core.status import Severity, Status, severity

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
ICONS = RESOURCES / "icons"


@functools.cache
def _icon(name: str) -> QIcon:
    path = ICONS / f"{name}.svg"
    if not path.is_file():  # a broken install must say what is missing, not draw nothing
        raise FileNotFoundError(f"icon {path} is missing; reinstall Lila Desktop")
    return QIcon(str(path))


def app_icon() -> QIcon:
    return _icon("app")


def severity_icon(level: Severity) -> QIcon:
    """The status light of one severity (colour plus a glyph, for colour-blind users)."""
    return _icon(f"status-{level.value}")


def status_icon(status: Status) -> QIcon:
    return severity_icon(severity(status))


def tray_icon(level: Severity) -> QIcon:
    return _icon(f"tray-{level.value}")
