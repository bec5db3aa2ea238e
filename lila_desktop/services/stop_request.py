"""Ask a running Lila Desktop (window or headless) to quit cleanly, from outside.

POSIX: SIGTERM to the pid in the data folder's lock file; the app already
quits cleanly on it. Windows has no SIGTERM (and the frozen app has no
console, so no Ctrl-C/Ctrl-Break either): the app waits on a named event,
`Local\\lila-desktop-stop-<hash of the data folder>`, and `request_stop`
sets it. A clean quit seals every store and deletes the plaintext; killing
the process would leave it until the next start. Used by the release smoke
test (packaging/smoke.py) and available to installers and scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from lila_desktop.services.instance_lock import PID_BYTES

logger = logging.getLogger(__name__)

EVENT_PREFIX = "Local\\lila-desktop-stop-"


def event_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return EVENT_PREFIX + digest


def running_pid(data_dir: Path) -> int | None:
    """The pid the running app wrote into its lock file (None if none is readable)."""
    try:
        with (data_dir / "lila.lock").open(encoding="utf-8") as fh:
            text = fh.read(PID_BYTES).strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def request_stop(data_dir: Path) -> bool:
    """True if a running app for `data_dir` was asked to quit."""
    if sys.platform == "win32":
        return _set_event(event_name(data_dir))
    pid = running_pid(data_dir)
    if pid is None:
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def watch_stop_requests(
    data_dir: Path, loop: asyncio.AbstractEventLoop, on_stop: Callable[[], None]
) -> Callable[[], None]:
    """Windows: call `on_stop` on the loop when `request_stop` is called; returns a
    closer. POSIX: nothing to do (SIGTERM is handled by the app's signal handler)."""
    if sys.platform != "win32":
        return lambda: None

    def fire() -> None:
        loop.call_soon_threadsafe(on_stop)

    return _watch_event(event_name(data_dir), fire)


if sys.platform == "win32":  # pragma: no cover - Windows
    import ctypes
    from ctypes import wintypes

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _kernel32.CreateEventW.argtypes = [
        wintypes.LPVOID,
        wintypes.BOOL,
        wintypes.BOOL,
        wintypes.LPCWSTR,
    ]
    _kernel32.CreateEventW.restype = wintypes.HANDLE
    _kernel32.OpenEventW.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.LPCWSTR]
    _kernel32.OpenEventW.restype = wintypes.HANDLE
    _kernel32.SetEvent.argtypes = [wintypes.HANDLE]
    _kernel32.SetEvent.restype = wintypes.BOOL
    _kernel32.WaitForMultipleObjects.argtypes = [
        wintypes.DWORD,
        ctypes.POINTER(wintypes.HANDLE),
        wintypes.BOOL,
        wintypes.DWORD,
    ]
    _kernel32.WaitForMultipleObjects.restype = wintypes.DWORD
    _kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    _EVENT_MODIFY_STATE = 0x0002
    _INFINITE = 0xFFFFFFFF

    def _set_event(name: str) -> bool:
        handle = _kernel32.OpenEventW(_EVENT_MODIFY_STATE, False, name)
        if not handle:
            return False  # no app is waiting on it
        try:
            return bool(_kernel32.SetEvent(handle))
        finally:
            _kernel32.CloseHandle(handle)

    def _watch_event(name: str, fire: Callable[[], None]) -> Callable[[], None]:
        stop = _kernel32.CreateEventW(None, True, False, name)
        closed = _kernel32.CreateEventW(None, True, False, None)
        if not stop or not closed:
            logger.warning("no stop event (%s): quit from the tray", ctypes.get_last_error())
            return lambda: None
        handles = (wintypes.HANDLE * 2)(stop, closed)

        def wait() -> None:
            which = _kernel32.WaitForMultipleObjects(2, handles, False, _INFINITE)
            if which == 0:
                logger.info("asked to quit (stop event)", extra={"event": "stop_requested"})
                fire()

        threading.Thread(target=wait, name="stop-event", daemon=True).start()

        def close() -> None:
            _kernel32.SetEvent(closed)
            with contextlib.suppress(OSError):
                _kernel32.CloseHandle(stop)

        return close

else:

    def _set_event(name: str) -> bool:
        return False

    def _watch_event(name: str, fire: Callable[[], None]) -> Callable[[], None]:
        return lambda: None
