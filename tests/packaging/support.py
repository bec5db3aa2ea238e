"""Helpers for the packaging tests: the build's paths, and running the frozen
app (or the installed one) as a subprocess and talking to it.

No Python of ours is involved in a run: the executable is started with a
clean environment (no PYTHON* variables, no venv on PATH) and starts its own
engine process by re-running itself with `--engine`.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.harness.app_process import AppProcess

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


class FrozenApp(AppProcess):
    """One run of a frozen executable, through the one app harness
    (bench/harness/app_process.py): `--api-port auto`, the JSON log followed."""

    def __init__(self, exe: Path, args: list[str], env: dict[str, str]) -> None:
        self.exe = exe
        super().__init__(
            None,
            command=[str(exe), *args],
            transport=None,
            headless=False,
            base_env=env,
            api_key=env.get("LILA_API_KEY"),
            passphrase=None,
            time_scale=None,
        )

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

    def stop(self, timeout: float = 60) -> int:
        return self.terminate(timeout)


@contextmanager
def frozen_app(exe: Path, args: list[str], env: dict[str, str]) -> Iterator[FrozenApp]:
    app = FrozenApp(exe, args, env)
    try:
        yield app
    finally:
        app.close()
