"""Icons drawn from our own SVGs in lila_desktop/resources/icons."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

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


ACTION_PREFIX = "action-"  # resources/icons/action-*.svg: line icons in currentColor
_ACTION_SIZES = (16, 20, 24, 32, 48)


def action_icon(name: str, colour: QColor) -> QIcon:
    """A toolbar icon drawn in `colour` (the palette's text colour), so one set of
    line icons reads on light and dark themes alike. Rendered per size and at the
    screen's pixel ratio: crisp at 150 % and 200 %."""
    key = (name, colour.name())
    cached = _tinted.get(key)
    if cached is not None:
        return cached
    path = ICONS / f"{ACTION_PREFIX}{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"icon {path} is missing; reinstall Lila Desktop")
    svg = path.read_bytes().replace(b"currentColor", colour.name().encode())
    renderer = QSvgRenderer(QByteArray(svg))
    icon = QIcon()
    app = QGuiApplication.instance()
    ratio = max(
        (s.devicePixelRatio() for s in QGuiApplication.screens()) if app else (1.0,), default=1.0
    )
    for side in _ACTION_SIZES:
        pixels = round(side * ratio)
        image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        icon.addPixmap(pixmap)
    _tinted[key] = icon
    return icon


_tinted: dict[tuple[str, str], QIcon] = {}
