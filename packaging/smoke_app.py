"""The app under test, for packaging/smoke.py: start it, read its JSON log, call its
API, and quit it cleanly the way a script may on each OS. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEMO_CONNECTED = "51900000001"
PHONE = "51902049935"
API_KEY = "release-smoke-key-0123456789abcdef"
PASSPHRASE = "release smoke test, not a real one"
KEYRING_SERVICE, KEYRING_USER = "lila-desktop", "master-key"
STOP_EVENT_PREFIX = "Local\\lila-desktop-stop-"  # services/stop_request.py
STEPS = ("demo", "neonize", "window", "keyring")
EXIT_ALREADY_RUNNING = 4


class SmokeFailure(AssertionError):
    pass


def digest(data_dir: Path) -> str:
    return hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]


def default_data_dir(demo: bool) -> Path:
    """platformdirs.user_data_dir("lila-desktop", "Lila"), as the app computes it."""
    if sys.platform == "win32":
        base = Path(os.environ["LOCALAPPDATA"]) / "Lila" / "lila-desktop"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "lila-desktop"
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(xdg) / "lila-desktop"
    return base.with_name(base.name + "-demo") if demo else base


def plaintext_left(data_dir: Path) -> list[Path]:
    """Live stores (plaintext SQLite) of this data folder still on disk."""
    suffix = digest(data_dir)
    roots = {Path(tempfile.gettempdir())}
    if os.environ.get("XDG_RUNTIME_DIR"):
        roots.add(Path(os.environ["XDG_RUNTIME_DIR"]))
    found: list[Path] = []
    for root in roots:
        for folder in root.glob(f"lila-desktop-*{suffix}"):
            found += [p for p in folder.iterdir() if p.suffix == ".db" or "-journal" in p.name]
    return found


class App:
    """One run of the app; stderr (JSON log lines) collected by a thread."""

    def __init__(self, exe: list[str], args: list[str], env: dict[str, str], data_dir: Path | None):
        self.port = _free_port()
        self.data_dir = data_dir
        command = [*exe, *args, "--api-port", str(self.port), "--json-logs"]
        if data_dir is not None:
            command += ["--data-dir", str(data_dir)]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", env=env,
        )  # fmt: skip
        self.lines: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            try:
                line = json.loads(raw)
            except ValueError:
                line = {"msg": raw.rstrip(), "event": "non-json"}
            with self._cond:
                self.lines.append(line if isinstance(line, dict) else {"msg": raw})
                self._cond.notify_all()

    def tail(self, n: int = 25) -> str:
        with self._cond:
            return "\n".join(str(line.get("msg", line)) for line in self.lines[-n:])

    def wait_log(self, event: str, timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            exited = self.proc.poll() is not None
            if exited:
                self._reader.join(10)  # the last lines of a finished process
            with self._cond:
                for line in self.lines:
                    if line.get("event") == event:
                        return line
                if exited or time.monotonic() > deadline:
                    raise SmokeFailure(f"no {event!r} in the log; it said:\n{self.tail()}")
                self._cond.wait(0.5)

    def call(
        self, method: str, path: str, body: Any = None, timeout: float = 60
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("x-api-key", API_KEY)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, json.loads(exc.read() or b"null")

    def wait_health(self, timeout: float = 120) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SmokeFailure(f"exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if self.call("GET", "/health", timeout=2)[0] == 200:
                    return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise SmokeFailure(f"/health never answered:\n{self.tail()}")

    def status_of(self, phone: str, want: Callable[[str], bool], timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        status = "absent"
        while time.monotonic() < deadline:
            code, listed = self.call("GET", "/api/sessions")
            if code == 200:
                found = {s["phoneNumber"]: s["status"] for s in listed["data"]["sessions"]}
                status = found.get(phone, "absent")
                if want(status):
                    return status
            time.sleep(0.2)
        raise SmokeFailure(f"{phone} stayed {status}:\n{self.tail()}")

    def quit(self, timeout: float = 90) -> int:
        """Ask for a clean quit the way an owner's OS would let a script do it."""
        if sys.platform == "win32":
            assert self.data_dir is not None, "the stop event is named after the data folder"
            if not _set_windows_event(STOP_EVENT_PREFIX + digest(self.data_dir)):
                raise SmokeFailure("the app's stop event does not exist")
        else:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise SmokeFailure(f"no clean quit in {timeout:.0f} s:\n{self.tail()}") from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)


def _set_windows_event(name: str) -> bool:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenEventW.restype = ctypes.c_void_p
    handle = kernel32.OpenEventW(0x0002, False, name)
    if not handle:
        return False
    try:
        return bool(kernel32.SetEvent(ctypes.c_void_p(handle)))
    finally:
        kernel32.CloseHandle(ctypes.c_void_p(handle))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
