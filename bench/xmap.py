"""When a process's first top-level window is mapped on the X server, seen from outside.

`MapWatcher` is an X client of its own (libX11 through ctypes): it selects
SubstructureNotify on the root window, so the server tells it of every
top-level window mapped (no window manager runs under Xvfb, so the app's
windows are the root's children), and reads each window's _NET_WM_PID (Qt sets
it before mapping). The time is taken when the MapNotify event arrives, on the
same monotonic clock the harness starts processes with: what an owner sees as
"the window is there", not the app's own "window shown" line. Override-redirect
windows (tooltips, menus) are not counted. The process's CPU time (user +
system, /proc/PID/stat) is read as the event arrives: a figure a loaded
machine stretches much less than the wall clock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import threading
import time

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
XA_CARDINAL = 6


class _XMapEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xmap", _XMapEvent), ("pad", ctypes.c_long * 24)]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of `pid` so far (Linux), None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MapWatcher:
    """Collects (monotonic time, pid) for every top-level window mapped on $DISPLAY."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("X11")
        if not name or not os.environ.get("DISPLAY"):
            raise RuntimeError("needs an X server ($DISPLAY) and libX11 (Debian: libx11-6)")
        x = ctypes.CDLL(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XPending.argtypes = [ctypes.c_void_p]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
        x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
            ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p),
        ]  # fmt: skip
        self._x = x
        self._display = x.XOpenDisplay(None)
        if not self._display:
            raise RuntimeError(f"cannot open the X display {os.environ['DISPLAY']}")
        x.XSelectInput(self._display, x.XDefaultRootWindow(self._display), SUBSTRUCTURE_NOTIFY_MASK)
        self._pid_atom = x.XInternAtom(self._display, b"_NET_WM_PID", 0)
        x.XFlush(self._display)
        self.maps: list[tuple[float, int | None, float | None]] = []
        self._seen = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _pid_of(self, window: int) -> int | None:
        kind, fmt = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self._x.XGetWindowProperty(
            self._display, window, self._pid_atom, 0, 1, 0, XA_CARDINAL,
            ctypes.byref(kind), ctypes.byref(fmt), ctypes.byref(count), ctypes.byref(after),
            ctypes.byref(data),
        )  # fmt: skip
        try:
            if status != 0 or not data.value or count.value < 1 or fmt.value != 32:
                return None
            return int(ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0])
        finally:
            if data.value:
                self._x.XFree(data)

    def _run(self) -> None:
        x, display = self._x, self._display
        fd = x.XConnectionNumber(display)
        event = _XEvent()
        while not self._stop:
            if not x.XPending(display):
                select.select([fd], [], [], 0.2)
                continue
            x.XNextEvent(display, ctypes.byref(event))
            if event.type != MAP_NOTIFY or event.xmap.override_redirect:
                continue
            at = time.monotonic()
            pid = self._pid_of(event.xmap.window)
            cpu = cpu_seconds(pid) if pid else None
            with self._seen:
                self.maps.append((at, pid, cpu))
                self._seen.notify_all()

    def wait_mapped(
        self, pid: int, after: float, timeout: float = 60.0
    ) -> tuple[float, float | None]:
        """(monotonic time, CPU seconds of `pid` then) of its first top-level window
        mapped after `after`."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for at, owner, cpu in self.maps:
                    if owner == pid and at >= after:
                        return at, cpu
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no window of pid {pid} mapped within {timeout} s")
                self._seen.wait(left)

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self._x.XCloseDisplay(self._display)
