"""Quit from the OS: seal the stores and exit, never veto it.

- Windows sign-out/shutdown/Restart Manager, X11 session managers:
  `commitDataRequest` (WM_QUERYENDSESSION). Windows ends the process soon
  after, so the stores are sealed right there, and the app exits.
- macOS Cmd-Q, Dock "Quit", logout and shutdown: Qt turns the terminate
  request into a spontaneous `QEvent.Quit` on the application, then closes
  every window; our window's close only hides it to the tray (or asks the
  pool to quit later), which would cancel the quit and the logout ("Lila
  Desktop interrupted logging out"). The filter seals first, exits the loop
  itself and consumes the event, so no close can veto it.
Our own quit never goes through either (qasync stops with `exit()`, which
sends no Quit event), so the normal, asynchronous shutdown is untouched.
`aboutToQuit` is not used: qasync emits it after every `run_until_complete`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QGuiApplication, QSessionManager

logger = logging.getLogger(__name__)


class SessionEndGuard(QObject):
    """Calls `seal(why)` once when the OS ends the session, then exits the Qt loop."""

    def __init__(
        self,
        app: QGuiApplication,
        seal: Callable[[str], object],
        *,
        watch_quit: bool = sys.platform == "darwin",
    ) -> None:
        super().__init__(app)
        self._app = app
        self._seal = seal
        self.ended_by: str | None = None
        if watch_quit:
            # A filter on the application sees every event of the GUI thread: only
            # where the system sends Quit (macOS) is that cost worth it.
            app.installEventFilter(self)
        app.commitDataRequest.connect(self._on_commit_data)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._app and event.type() == QEvent.Type.Quit:
            self.end("quit requested by the system")
            event.accept()
            return True
        return False

    def _on_commit_data(self, manager: QSessionManager) -> None:
        # No interaction is requested: the end of the session is never cancelled.
        self.end("the session is ending")

    def end(self, why: str) -> None:
        if self.ended_by is None:
            self.ended_by = why
            logger.info("%s: sealing the stores and quitting", why, extra={"event": "os_quit"})
            try:
                self._seal(why)
            except Exception:
                logger.exception("sealing at session end failed")
        QCoreApplication.exit(0)
