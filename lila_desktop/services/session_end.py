"""The OS ends the session (Windows sign-out or shutdown, macOS Cmd-Q or logout,
an X11 session manager): seal every store and leave no plaintext, at once.

The normal quit is asynchronous (the pool stops each session, then seals).
When the OS ends the session there is no event-loop turn left: Windows ends
the process soon after WM_ENDSESSION, macOS after the terminate request. So
this runs synchronously, on the GUI thread: kill the engine (it holds the
live files, and Windows would refuse to delete them), then seal and delete
every live copy. Nothing is lost: a store is sealed before its plaintext goes.
"""

from __future__ import annotations

import logging
import time

from lila_desktop.services.pool import SessionPool

logger = logging.getLogger(__name__)


def seal_for_session_end(pool: SessionPool, why: str) -> list[str]:
    """Blocking; returns the phones whose plaintext had to be kept (logged)."""
    began = time.monotonic()
    pool.engine.end_now()
    kept = pool.vault.seal_now()
    logger.info(
        "session end (%s): stores sealed in %.0f ms",
        why,
        (time.monotonic() - began) * 1000,
        extra={"event": "session_end", "why": why, "kept": kept},
    )
    return kept
