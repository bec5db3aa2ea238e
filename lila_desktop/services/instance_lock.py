"""One app per data directory: two copies on one store cause 'replaced' loops.

An OS file lock (released by the OS if the process dies, so a crash never
leaves a stale lock) on `<data_dir>/lila.lock`, which also records the pid.

Windows locks are mandatory byte-range locks: nobody else may read a locked
byte. So the lock sits on one byte far past the pid text (locking past the
end of a file is allowed there), and a second launch reads only the pid
bytes before it: it can say "already running (pid N)" instead of failing
with PermissionError. POSIX uses flock on the whole file (advisory, reads
are never blocked).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO, Final

LOCK_OFFSET: Final = 1 << 20  # the locked byte (Windows); the pid text stays far below it
PID_BYTES: Final = 64  # how much a second launch reads: never up to LOCK_OFFSET


class AlreadyRunning(Exception):
    """Another Lila Desktop holds this data folder; str(e) says what to do."""


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "lila.lock"
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # 0600 like every file in the data folder (opener: the mode applies at creation).
        fh = open(  # noqa: SIM115 - held for the app's life
            self.path, "a+", encoding="utf-8", opener=lambda p, f: os.open(p, f, 0o600)
        )
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)  # a lock file left by an older version
        try:
            _lock(fh)
        except OSError:
            other = read_holder(fh) or "unknown"
            fh.close()
            raise AlreadyRunning(
                f"Lila Desktop is already running with this data folder (pid {other}). "
                "Use that window (or its tray icon), or close it first."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                _unlock(self._fh)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def read_holder(fh: IO[str]) -> str:
    """The pid the holder wrote, or "" if it cannot be read (never touches the locked byte)."""
    try:
        fh.seek(0)
        return fh.read(PID_BYTES).strip()
    except (OSError, ValueError):
        return ""


if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    def _lock(fh: IO[str]) -> None:
        fh.seek(LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[str]) -> None:
        fh.seek(LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
