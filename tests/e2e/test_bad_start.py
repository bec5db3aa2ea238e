"""Every bad start value, headless, as a real process: one plain line, a non-zero exit.

`lila-desktop --headless ...` is started with one bad value at a time; it
must print one line that says what to change, exit non-zero, never show a
Python traceback, and start nothing (no engine, no list written). The window
face's dialog for the same values is tested in tests/ui/test_start_errors.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

GOOD_ENV = {"LILA_VAULT_PASSPHRASE": "e2e passphrase, not a real one"}


def _command() -> list[str]:
    script = Path(sys.executable).with_name("lila-desktop")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lila_desktop"]


def start(data_dir: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LILA_") and k != "DISPLAY"}
    environ.update(env)
    return subprocess.run(
        [*_command(), "--headless", "--transport", "simulated", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield int(busy.getsockname()[1])


CASES = [
    pytest.param({"LILA_VAULT_PASSPHRASE": "7 chars"}, (), "is too short", id="passphrase-short"),
    pytest.param(
        {"LILA_VAULT_PASSPHRASE": ""}, (), "LILA_VAULT_PASSPHRASE is empty", id="pass-empty"
    ),
    pytest.param({"LILA_API_KEY": "tooshort"}, (), "LILA_API_KEY must be 16", id="api-key-short"),
    pytest.param({"LILA_QUOTA_LIMIT": "0"}, (), "must be a positive whole", id="quota-zero"),
    pytest.param({"LILA_QUOTA_LIMIT": "lots"}, (), "must be a positive whole", id="quota-text"),
    pytest.param({"LILA_MONGODB_URI": "portal"}, (), "not a MongoDB connection", id="mongodb-uri"),
    pytest.param({}, ("--api-port", "70000"), "from 1 to 65535", id="port-out-of-range"),
    pytest.param({}, ("--api-port", "-5"), "from 1 to 65535", id="port-negative"),
]


@pytest.mark.parametrize(("env", "args", "words"), CASES)
def test_a_bad_value_is_one_line_and_a_non_zero_exit(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...], words: str
) -> None:
    data_dir = tmp_path / "data"
    out = start(data_dir, *args, env={**GOOD_ENV, **env})
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lila-desktop: ") and words in lines[0], lines
    assert not (data_dir / "sessions.json").exists() and not (data_dir / "logs").exists()


def test_a_data_folder_that_is_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    out = start(a_file, env=GOOD_ENV)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert "is a file, not a folder" in line and "--data-dir" in line


def test_a_data_folder_that_cannot_be_written(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    out = start(a_file / "data", env=GOOD_ENV)  # under a file: cannot be created
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert "cannot be created" in line and "--data-dir" in line
    if os.geteuid() != 0:  # root writes anywhere: a read-only folder only stops others
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        out = start(locked, env=GOOD_ENV)
        assert out.returncode == 2 and "is not writable" in out.stderr


def test_a_port_in_use(tmp_path: Path, busy_port: int) -> None:
    out = start(tmp_path / "data", "--api-port", str(busy_port), env=GOOD_ENV)
    assert out.returncode == 3 and "Traceback" not in out.stderr
    plain = [line for line in out.stderr.splitlines() if line.startswith("lila-desktop: ")]
    assert len(plain) == 1 and f"Port {busy_port} is already in use" in plain[0]
    assert "--api-port" in plain[0]
