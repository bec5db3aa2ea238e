"""The tray menu lists each number with its light (the shaped status icon) and its
state, and choosing one opens that number in the window. (A click on a
notification is tested for real, over D-Bus, in tests/e2e/test_window_e2e.py.)"""

from __future__ import annotations

import pytest

from lila_desktop.core.status import Status
from lila_desktop.ui.icons import status_icon
from tests.ui.conftest import LoopRunner, wait_until
from tests.ui.window_history_support import HApp, happ, registry_saved

__all__ = ["happ"]
A, B = "51911111111", "51922222222"


# Offscreen Qt cannot raise a window nor pass size hints; it says so as warnings.
@pytest.mark.qt_log_ignore("does not support raise", "does not support propagateSizeHints")
def test_the_menu_lists_each_number_with_its_light_and_opens_it(
    qloop: LoopRunner, happ: HApp
) -> None:
    tray, window = happ.tray, happ.window

    def number_actions() -> dict[str, object]:
        return {a.text().split(" ")[0]: a for a in tray.menu.actions() if a.text()[:1] == "+"}

    async def scenario() -> None:
        await happ.harness.link(A)
        await happ.harness.pool.add(B)
        await wait_until(lambda: happ.harness.pool.snapshot(B).status is Status.QR)
        await wait_until(
            lambda: (
                [a.text() for a in number_actions().values()]  # type: ignore[attr-defined]
                == [f"+{A} — Connected", f"+{B} — Waiting for QR scan"]
            ),
            what="both numbers in the menu, with their state",
        )
        await registry_saved(happ, A, B)

    qloop.run(scenario())
    actions = number_actions()
    a, b = actions[f"+{A}"], actions[f"+{B}"]
    assert a.text() == f"+{A} — Connected"  # type: ignore[attr-defined]
    assert b.text() == f"+{B} — Waiting for QR scan"  # type: ignore[attr-defined]
    # The light is the status's own icon: a circle for connected, a diamond on its way.
    assert a.icon().cacheKey() == status_icon(Status.CONNECTED).cacheKey()  # type: ignore[attr-defined]
    assert b.icon().cacheKey() == status_icon(Status.QR).cacheKey()  # type: ignore[attr-defined]
    assert status_icon(Status.CONNECTED).cacheKey() != status_icon(Status.QR).cacheKey()

    async def choose() -> None:  # inside the loop: selecting a number loads its backups
        window.select_phone(A)
        b.trigger()  # type: ignore[attr-defined]
        await wait_until(lambda: window.history_view.phone == B, what="B's timeline")

    qloop.run(choose())
    assert window.current_snapshot().phone == B  # type: ignore[union-attr]
    assert window.link_panel.isVisibleTo(window)  # its code, right there
