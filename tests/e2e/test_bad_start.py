"""Every bad start value, headless: one plain line, a non-zero exit, no traceback.

`lila-desktop --headless ...` is started with one bad value at a time; it
must print one line that says what to change, exit non-zero, never show a
Python traceback, and start nothing (no engine, no list written). A real
process for the issue's own example (a 7-character passphrase), a data folder
that is a file and a taken port; the other values through the same `app.run`
in this process (they are refused before anything is configured). The window
face's dialog for the same values is tested in tests/ui/test_start_errors.py.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.harness.app_process import AppProcess
from lila_desktop import app
from lila_desktop.services.config import CommandLine

pytestmark = pytest.mark.e2e

GOOD_ENV = {"LILA_VAULT_PASSPHRASE": "e2e passphrase, not a real one"}


@dataclass
class Ended:
    returncode: int
    stderr: str
    stdout: str = ""


def start(data_dir: Path, *args: str, env: dict[str, str]) -> Ended:
    """The real app headless with one bad value (the one harness), run until it exits."""
    with AppProcess(
        data_dir,
        api=False,
        json_logs=False,
        passphrase=None,
        api_key=None,
        extra_args=args,
        env={"DISPLAY": None, **env},
    ) as app:
        code = app.proc.wait(60)
        app.close()  # the reader has every line once the app is gone
        return Ended(code, "\n".join(app.raw))


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield int(busy.getsockname()[1])


CASES = [
    pytest.param({"LILA_VAULT_PASSPHRASE": ""}, None, "PASSPHRASE is empty", id="pass-empty"),
    pytest.param({"LILA_API_KEY": "tooshort"}, None, "LILA_API_KEY must be 16", id="api-key"),
    pytest.param({"LILA_QUOTA_LIMIT": "0"}, None, "must be a positive whole", id="quota-zero"),
    pytest.param({"LILA_QUOTA_LIMIT": "lots"}, None, "must be a positive whole", id="quota-text"),
    pytest.param({"LILA_MONGODB_URI": "portal"}, None, "not a MongoDB connection", id="mongodb"),
    pytest.param({}, "70000", "from 1 to 65535", id="port-out-of-range"),
    pytest.param({}, "-5", "from 1 to 65535", id="port-negative"),
]


def test_the_issues_example_a_seven_character_passphrase(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    out = start(data_dir, env={"LILA_VAULT_PASSPHRASE": "7 chars"})
    assert out.returncode == 2
    assert "Traceback" not in out.stderr + out.stdout
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("lila-desktop: LILA_VAULT_PASSPHRASE is too short")
    assert "at least 8 characters" in line
    assert not (data_dir / "sessions.json").exists() and not (data_dir / "logs").exists()


@pytest.mark.parametrize(("env", "port", "words"), CASES)
def test_a_bad_value_is_one_line_and_a_non_zero_exit(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    env: dict[str, str],
    port: str | None,
    words: str,
) -> None:
    data_dir = tmp_path / "data"
    cli = CommandLine(data_dir=data_dir, transport="simulated", headless=True, api_port=port)
    assert app.run(cli, {**GOOD_ENV, **env}) == 2
    out = capfd.readouterr()
    assert "Traceback" not in out.err + out.out
    lines = out.err.strip().splitlines()
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
