"""Helpers for the packaging tests: the build's paths, and running the frozen
app (or the installed one) as a subprocess and talking to it.

No Python of ours is involved in a run: the executable is started with a
clean environment (no PYTHON* variables, no venv on PATH) and starts its own
engine process by re-running itself with `--engine`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]

API_KEY = "frozen-smoke-key-0123456789abcdef"
BASE_ENV = {
    "LILA_VAULT_PASSPHRASE": "frozen smoke test, not a real one",
    "LILA_SIM_TIME_SCALE": "0.05",
    "LILA_API_KEY": API_KEY,
}


@dataclass(frozen=True)
class LinuxBuild:
    bundle: Path  # dist/lila-desktop
    exe: Path
    deb: Path
    seconds: float
    log: str


def tree_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def require_tools(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: install the Debian packages scripts/test.sh lists "
            "for the packaging tests",
            pytrace=False,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """The caller's environment without anything that points at a Python."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "LILA_", "QT_"))
        and key not in ("VIRTUAL_ENV", "PATH", *drop)
    }
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env.update(BASE_ENV)
    env.update(extra or {})
    return env


class FrozenApp:
    """One run of a frozen executable; its stderr lines are collected by a thread."""

    def __init__(self, exe: Path, args: list[str], env: dict[str, str]) -> None:
        self.exe = exe
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.api_key = env.get("LILA_API_KEY")
        command = [str(exe), *args, "--api-port", str(self.port), "--json-logs"]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            try:
                line = json.loads(raw)
            except ValueError:
                line = {"msg": raw.rstrip(), "event": "non-json"}
            with self._seen:
                self.raw.append(raw.rstrip())
                self.lines.append(line if isinstance(line, dict) else {"msg": raw})
                self._seen.notify_all()

    def log_tail(self, n: int = 15) -> str:
        with self._seen:
            return "\n".join(self.raw[-n:])

    def wait_log(self, event: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines:
                    if line.get("event") == event:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no {event!r} log line; the app said:\n{self.log_tail()}")
                self._seen.wait(min(left, 0.5))

    def wait_health(self, timeout: float = 60) -> float:
        """Seconds from the start of the process to the first 200 from /health."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the app exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                code, _ = self.call("GET", "/health", timeout=1)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                code = 0
            if code == 200:
                return time.monotonic() - self.started
            time.sleep(0.02)
        raise AssertionError(f"/health never answered:\n{self.log_tail()}")

    def call(
        self, method: str, path: str, body: Any = None, *, timeout: float = 60
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.api_key:
            request.add_header("x-api-key", self.api_key)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, json.loads(exc.read())

    def status(self, phone: str) -> dict[str, Any]:
        code, data = self.call("GET", f"/api/sessions/{phone}/status")
        assert code == 200, data
        result: dict[str, Any] = data["data"]
        return result

    def poll(
        self, phone: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(phone)
            if predicate(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"{phone} stuck at {status}:\n{self.log_tail()}")
            time.sleep(0.05)

    def wait_listed(self, phone: str, status: str, timeout: float = 30) -> None:
        """Until GET /api/sessions lists `phone` with `status` (it may not exist yet)."""
        deadline = time.monotonic() + timeout
        while True:
            code, listed = self.call("GET", "/api/sessions")
            assert code == 200, listed
            found = {s["phoneNumber"]: s["status"] for s in listed["data"]["sessions"]}
            if found.get(phone) == status:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{phone} is not {status}: {found}\n{self.log_tail()}")
            time.sleep(0.05)

    def engines(self) -> list[psutil.Process]:
        """The engine processes this app started (children run with --engine)."""
        found = []
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                if "--engine" in child.cmdline():
                    found.append(child)
            except psutil.NoSuchProcess:
                continue
        return found

    def stop(self, timeout: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._reader.join(10)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                child.kill()
            self.proc.kill()
            self.proc.wait(10)
        self._reader.join(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@contextmanager
def frozen_app(exe: Path, args: list[str], env: dict[str, str]) -> Iterator[FrozenApp]:
    app = FrozenApp(exe, args, env)
    try:
        yield app
    finally:
        app.close()
