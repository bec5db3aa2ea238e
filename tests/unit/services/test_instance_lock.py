"""The single-instance lock: a second holder is refused with a message, never a crash."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lila_desktop.services import instance_lock
from lila_desktop.services.instance_lock import AlreadyRunning, InstanceLock


def test_second_lock_in_another_process_is_refused_with_the_pid(tmp_path: Path) -> None:
    with InstanceLock(tmp_path):
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path\n"
                "from lila_desktop.services.instance_lock import InstanceLock, AlreadyRunning\n"
                "try:\n"
                "    InstanceLock(Path(sys.argv[1])).acquire()\n"
                "except AlreadyRunning as e:\n"
                "    print(e); sys.exit(4)\n",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert child.returncode == 4, child.stderr
    assert f"already running with this data folder (pid {os.getpid()})" in child.stdout
    again = InstanceLock(tmp_path)
    again.acquire()  # released: the next launch gets it
    again.release()


def test_second_lock_in_this_process_is_refused(tmp_path: Path) -> None:
    with InstanceLock(tmp_path), pytest.raises(AlreadyRunning, match=str(os.getpid())):
        InstanceLock(tmp_path).acquire()


class _WindowsLockedFile(io.StringIO):
    """A lock file with Windows semantics: reading a locked byte is a PermissionError."""

    def __init__(self, text: str, locked_at: int) -> None:
        super().__init__(text)
        self.locked_at = locked_at

    def read(self, size: int | None = -1) -> str:
        start = self.tell()
        end = sys.maxsize if size is None or size < 0 else start + size
        if start <= self.locked_at < end:
            raise PermissionError(13, "The process cannot access the file (locked region)")
        return super().read(size)


def test_a_windows_style_locked_byte_is_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second launch reads the pid without touching the locked byte (Windows: the
    old code read the whole file, raised PermissionError, and the app crashed)."""
    held = _WindowsLockedFile("4242", instance_lock.LOCK_OFFSET)
    assert instance_lock.read_holder(held) == "4242"  # type: ignore[arg-type]
    assert instance_lock.PID_BYTES < instance_lock.LOCK_OFFSET
    at_zero = _WindowsLockedFile("4242", 0)  # even a lock on the pid itself: no crash
    assert instance_lock.read_holder(at_zero) == ""  # type: ignore[arg-type]


def test_refusal_survives_an_unreadable_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(_fh: object) -> None:
        raise PermissionError(13, "locked")

    monkeypatch.setattr(instance_lock, "_lock", locked)
    monkeypatch.setattr(instance_lock, "read_holder", lambda _fh: "")
    with pytest.raises(AlreadyRunning, match=r"pid unknown"):
        InstanceLock(tmp_path).acquire()
