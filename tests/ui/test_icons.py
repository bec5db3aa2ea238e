"""Toolbar icons: one line-icon set drawn in the theme's text colour (readable on light
and dark themes), on every toolbar action; status lights differ by shape."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from lila_desktop.core.status import Severity
from lila_desktop.ui.icons import ACTION_PREFIX, ICONS, action_icon, severity_icon
from tests.ui.conftest import LoopRunner
from tests.ui.window_history_support import HApp, happ

__all__ = ["happ"]
NAMES = sorted(p.stem.removeprefix(ACTION_PREFIX) for p in ICONS.glob(f"{ACTION_PREFIX}*.svg"))


def ink(image: QImage) -> set[str]:
    """The colours of the opaque pixels."""
    return {
        image.pixelColor(x, y).name()
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() == 255
    }


@pytest.mark.parametrize("theme_text", ["#000000", "#ffffff"])
def test_icons_take_the_theme_text_colour(qloop: LoopRunner, theme_text: str) -> None:
    assert len(NAMES) >= 8
    for name in NAMES:
        image = action_icon(name, QColor(theme_text)).pixmap(QSize(24, 24)).toImage()
        assert ink(image) == {theme_text}, name


def test_every_toolbar_action_has_an_icon(qloop: LoopRunner, happ: HApp) -> None:
    actions = [a for a in happ.window.toolbar.actions() if not a.isSeparator()]
    assert len(actions) >= 8
    assert all(not a.icon().isNull() for a in actions)


def test_status_lights_differ_in_shape_not_only_colour(qloop: LoopRunner) -> None:
    """Grey every light: a colour-blind eye still tells them apart by their outline."""

    def outline(level: Severity) -> list[bool]:
        image = severity_icon(level).pixmap(QSize(32, 32)).toImage()
        return [image.pixelColor(x, y).alpha() > 128 for y in range(32) for x in range(32)]

    shapes = [outline(level) for level in Severity]
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            differing = sum(p != q for p, q in zip(a, b, strict=True))
            assert differing > 40  # pixels: a different shape, not just another hue
