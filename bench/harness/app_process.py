"""The real app as a subprocess, driven through its local API and read through
its JSON log lines: the one harness of the e2e, packaging and chaos tests,
the soak and the benchmarks (as qutebrowser's `testprocess.Process`).

`AppProcess` starts `lila-desktop --headless --transport simulated` (or
`tests.chaos.fast_app`, the same app with the policy's timings scaled down,
or any executable: a frozen build), with `--api-port auto`: the app binds a
port the OS picks and names it in its `api_listening` log line, so two tests
never race for one port. A thread collects every stderr line; helpers wait
for log events (never a fixed sleep), call the API, read each number's
status changes from the log (every change is logged, none is missed between
two polls), and end the app by SIGTERM, SIGINT or kill -9.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "chaos-api-key-0123456789abcdef"
PASSPHRASE = "chaos passphrase, not a real one"
SQLITE_MAGIC = b"SQLite format 3\x00"
# What the app reads from the environment that a test must set explicitly.
_OWN_ENV = ("LILA_API_KEY", "LILA_VAULT_PASSPHRASE", "LILA_SIM_TIME_SCALE")

LinePredicate = Callable[[dict[str, Any]], bool]


def app_command(*, fast: bool) -> list[str]:
    """The installed entry point (as the owner runs it), or the fast-policy wrapper."""
    if fast:
        return [sys.executable, "-m", "tests.chaos.fast_app"]
    script = Path(sys.executable).with_name("lila-desktop")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lila_desktop"]


class ApiFailure(AssertionError):
    """The API answered with an unexpected status (or not at all)."""


@dataclass
class Response:
    status: int
    body: Any

    @property
    def data(self) -> Any:
        return self.body.get("data") if isinstance(self.body, dict) else None

    def __iter__(self) -> Any:  # `code, body = app.call(...)`
        return iter((self.status, self.body))


class AppProcess:
    """One run of the app; stderr JSON lines are collected by a reader thread.

    Args:
        command: the program to run (default: the installed entry point, or
            the fast-policy wrapper with `fast=True`).
        transport: `--transport` (None: the program's default).
        api: True starts the API on a free port (`--api-port auto`); False
            leaves `--api-port` to `extra_args`.
        base_env: the environment to start from (default: this process's,
            without the app's own variables); `env` is laid over it.
        api_key, passphrase: set as LILA_API_KEY / LILA_VAULT_PASSPHRASE
            unless None.
        env: laid over the environment; a None value removes the variable.
    """

    def __init__(
        self,
        data_dir: Path | None,
        *,
        fast: bool = False,
        env: Mapping[str, str | None] | None = None,
        passphrase: str | None = PASSPHRASE,
        time_scale: str | None = "1",
        extra_args: Sequence[str] = (),
        command: Sequence[str] | None = None,
        headless: bool = True,
        transport: str | None = "simulated",
        api: bool = True,
        api_key: str | None = API_KEY,
        base_env: Mapping[str, str] | None = None,
        json_logs: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.api_key = api_key
        args = [*(command or app_command(fast=fast))]
        args += ["--transport", transport] if transport else []
        args += ["--headless"] if headless else []
        args += ["--data-dir", str(data_dir)] if data_dir is not None else []
        args += ["--api-port", "auto"] if api else []
        args += ["--json-logs"] if json_logs else []
        args += list(extra_args)
        if base_env is None:
            base_env = {k: v for k, v in os.environ.items() if k not in _OWN_ENV}
            base_env.setdefault("PYTHONPATH", str(ROOT))
        environ = dict(base_env)
        if api_key is not None:
            environ["LILA_API_KEY"] = api_key
        if time_scale is not None:
            environ["LILA_SIM_TIME_SCALE"] = time_scale
        if passphrase is not None:
            environ["LILA_VAULT_PASSPHRASE"] = passphrase
        for name, value in (env or {}).items():
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=environ,
        )
        self.lines: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self.raw_errors: list[str] = []  # non-JSON stderr lines that look like tracebacks
        self.log_write_errors = 0
        self._port: int | None = None
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- output ------------------------------------------------------------

    def _read(self) -> None:
        assert self.proc.stderr is not None
        in_logging_error = False
        for raw in self.proc.stderr:
            text = raw.decode("utf-8", "replace").rstrip()
            try:
                line = json.loads(text)
                if not isinstance(line, dict):
                    raise ValueError
            except ValueError:
                line = {"msg": text, "event": "non-json", "level": "info"}
                # logging's own report of a handler that could not write (a full
                # disk under logs/): counted apart, it is not an app exception.
                if text.startswith("--- Logging error ---"):
                    in_logging_error = True
                    self.log_write_errors += 1
                elif in_logging_error:
                    in_logging_error = not text.startswith("Arguments:")
                elif "Traceback" in text or "Error" in text:
                    self.raw_errors.append(text)
            line["_t"] = time.monotonic()
            with self._seen:
                self.raw.append(text)
                self.lines.append(line)
                self._seen.notify_all()
        self.proc.stderr.close()

    def log_tail(self, n: int = 15) -> str:
        with self._seen:
            return "\n".join(self.raw[-n:])

    def mark(self) -> int:
        """The index of the next log line: `start=` for the waits below."""
        with self._seen:
            return len(self.lines)

    def wait_log(
        self, predicate: LinePredicate | str, timeout: float = 30.0, start: int = 0
    ) -> dict[str, Any]:
        """The first log line from index `start` on that matches (an event name or a test)."""
        test = (
            (lambda ln: ln.get("event") == predicate) if isinstance(predicate, str) else predicate
        )
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines[start:]:
                    if test(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching log line; the app said:\n{self.log_tail()}")
                if self.proc.poll() is not None and not self._reader.is_alive():
                    for line in self.lines[start:]:  # the reader's last lines
                        if test(line):
                            return line
                    raise AssertionError(
                        f"the app exited ({self.proc.returncode}); it said:\n{self.log_tail()}"
                    )
                self._seen.wait(min(left, 0.2))

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Seconds from launch to the 'ready' log line."""
        line = self.wait_log("ready", timeout)
        return float(line["_t"] - self.started_at)

    def statuses(self, phone: str, start: int = 0) -> list[str]:
        """Every status `phone` took from log line `start` on, in order (from the
        supervisor's 'status' lines: a QR that lasted 1 ms is still there)."""
        with self._seen:
            lines = self.lines[start:]
        return [
            str(ln["status"])
            for ln in lines
            if ln.get("event") == "status" and ln.get("phone") == phone
        ]

    def wait_status(
        self, phone: str, status: str, timeout: float = 30.0, start: int = 0
    ) -> dict[str, Any]:
        """The log line of `phone` entering `status` (from line `start` on)."""
        return self.wait_log(
            lambda ln: (
                ln.get("event") == "status"
                and ln.get("phone") == phone
                and ln.get("status") == status
            ),
            timeout,
            start,
        )

    # --- API ---------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the API listens on, as the app's 'api_listening' line says."""
        if self._port is None:
            self._port = int(self.wait_log("api_listening", 60)["port"])
        return self._port

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(
        self, method: str, path: str, body: Any = None, *, key: bool = True, timeout: float = 60
    ) -> Response:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if key and self.api_key:
            request.add_header("x-api-key", self.api_key)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            with exc:
                raw, status = exc.read(), exc.code
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw
        return Response(status, parsed)

    def ok(self, method: str, path: str, body: Any = None, *, expect: int = 200) -> Any:
        resp = self.call(method, path, body)
        if resp.status != expect:
            raise ApiFailure(f"{method} {path} -> {resp.status}: {resp.body}")
        return resp.data

    def wait_health(self, timeout: float = 60) -> float:
        """Seconds from launch to the first 200 from /health."""
        deadline = time.monotonic() + timeout
        self.wait_log("api_listening", timeout)
        while True:
            try:
                if self.call("GET", "/health", key=False, timeout=1).status == 200:
                    return time.monotonic() - self.started_at
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"/health never answered:\n{self.log_tail()}")
            time.sleep(0.02)

    def sessions(self) -> dict[str, str]:
        """phone -> status of every session."""
        data = self.ok("GET", "/api/sessions")
        return {s["phoneNumber"]: s["status"] for s in data["sessions"]}

    def status(self, phone: str) -> dict[str, Any]:
        return dict(self.ok("GET", f"/api/sessions/{phone}/status"))

    def simulate(self, phone: str, event: str, **args: Any) -> Response:
        return self.call("POST", f"/api/sessions/{phone}/simulate", {"event": event, **args})

    def poll(
        self, phone: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30.0
    ) -> dict[str, Any]:
        """/status until `predicate` (for fields the log does not carry)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(phone)
            if predicate(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"{phone} stuck: {status}\n{self.log_tail()}")
            time.sleep(0.05)

    def link(self, phone: str, name: str = "", timeout: float = 30.0) -> None:
        """Add a number and pair it by a simulated scan; returns once it is connected."""
        start = self.mark()
        self.ok("POST", "/api/sessions", {"phoneNumber": phone, "name": name}, expect=201)
        self.wait_status(phone, "qr", timeout, start)
        resp = self.simulate(phone, "scan")
        if resp.status != 200:
            raise ApiFailure(f"scan of {phone} -> {resp.status}: {resp.body}")
        self.wait_status(phone, "connected", timeout, start)

    # --- processes -----------------------------------------------------------

    def processes(self) -> list[psutil.Process]:
        """The app and its children (the engine), while they live."""
        try:
            app = psutil.Process(self.proc.pid)
            return [app, *app.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def engine(self) -> psutil.Process | None:
        procs = self.processes()
        return procs[1] if len(procs) > 1 else None

    def engines(self) -> list[psutil.Process]:
        """The engine processes (children run with --engine)."""
        found = []
        for child in self.processes()[1:]:
            try:
                if "--engine" in child.cmdline():
                    found.append(child)
            except psutil.NoSuchProcess:
                continue
        return found

    def usage(self) -> dict[str, dict[str, float]]:
        """RSS (MB), open fds and CPU times of the app and of its engine."""
        out: dict[str, dict[str, float]] = {}
        for role, proc in zip(("app", "engine"), self.processes(), strict=False):
            try:
                with proc.oneshot():
                    cpu = proc.cpu_times()
                    out[role] = {
                        "pid": proc.pid,
                        "rss_mb": round(proc.memory_info().rss / 2**20, 2),
                        "fds": proc.num_fds(),
                        "threads": proc.num_threads(),
                        "cpu_s": round(cpu.user + cpu.system, 2),
                    }
            except psutil.NoSuchProcess:
                continue
        return out

    def kill9(self) -> list[int]:
        """SIGKILL the app (not its engine: that one must notice and exit on its own)."""
        pids = [p.pid for p in self.processes()[1:]]
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._reader.join(5)
        return pids

    def terminate(self, timeout: float = 60.0, sig: int = signal.SIGTERM) -> int:
        """SIGTERM (as a logout or a service stop does) or `sig`; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise AssertionError(
                f"the app did not stop within {timeout:.0f} s:\n{self.log_tail()}"
            ) from None
        self._reader.join(10)  # it ends at EOF, once the app and its engine are gone
        return code

    def close(self) -> None:
        """Make sure nothing of this run is left (tests' teardown)."""
        engines = self.processes()[1:]
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for proc in engines:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                continue
        self._reader.join(10)

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- what the log says ----------------------------------------------------

    def unhandled(self) -> list[str]:
        """Exceptions nobody handled: asyncio's reports and raw tracebacks."""
        found = [
            f"{ln.get('logger')}: {ln.get('msg')}"
            for ln in self.lines
            if ln.get("logger") == "asyncio" and ln.get("level") in ("error", "critical")
        ]
        found += [ln for ln in self.raw_errors if "Traceback" in ln]
        return found


def wait_gone(pids: Sequence[int], timeout: float = 15.0) -> list[int]:
    """Pids still alive after `timeout` (an orphaned engine would show here)."""
    deadline = time.monotonic() + timeout
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if psutil.pid_exists(pid) and not _zombie(pid)]
        if alive:
            time.sleep(0.05)
    return alive


def _zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def plaintext_files(*roots: Path, skip: Callable[[Path], bool] = lambda p: False) -> list[Path]:
    """Files under `roots` holding a plain SQLite header anywhere (credentials in
    clear), whatever their names: judged by content, never by name."""
    found: list[Path] = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            plain = path.is_file() and not path.is_symlink() and not skip(path)
            if plain and SQLITE_MAGIC in path.read_bytes():
                found.append(path)
    return found
