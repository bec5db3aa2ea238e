"""The "disk full" fault: a small tmpfs under the data folder, filled up on demand.

Mounting needs root (CAP_SYS_ADMIN). Where that is refused, the same fault is
injected instead: `tests.chaos.fast_app` makes every Python-level write under
the data folder fail with ENOSPC while a flag file exists (SQLite's own C
writes are then not covered; the tmpfs covers everything).
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from pathlib import Path

# Room for what a long campaign keeps (8 numbers: 5 backups and up to 10 of each
# kind set aside per number, ~190 KB each, plus 10 MB of logs) and some slack;
# the disk-full fault fills whatever is left.
TMPFS_MB = int(os.environ.get("LILA_CHAOS_TMPFS_MB", "128"))
CHUNK = 1 << 16


class Disk:
    def __init__(self, root: Path, data_dir: Path) -> None:
        self.root = root
        self.data_dir = data_dir
        self.mode = ""
        self.flag = root / "disk-full.flag"
        self.filler = data_dir / "filler"

    def setup(self) -> str:
        """Mount a tmpfs on the data folder if we may; returns "tmpfs" or "inject"."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m,mode=0700", "tmpfs", self.data_dir],
            capture_output=True,
            text=True,
            check=False,
        )
        self.mode = "tmpfs" if result.returncode == 0 else "inject"
        return self.mode

    def env(self) -> dict[str, str]:
        if self.mode != "inject":
            return {}
        return {
            "LILA_CHAOS_ENOSPC_FLAG": str(self.flag),
            "LILA_CHAOS_ENOSPC_DIR": str(self.data_dir),
        }

    def fill(self) -> int:
        """Leave no free byte on the data folder's disk; returns bytes written."""
        if self.mode == "inject":
            self.flag.touch()
            return 0
        written = 0
        block = b"\0" * CHUNK
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size = CHUNK
            while size:
                try:
                    written += os.write(fd, block[:size])
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    size //= 2  # fill the last pages too
        finally:
            os.close(fd)
        return written

    def free(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.flag.unlink()
        with contextlib.suppress(FileNotFoundError):
            self.filler.unlink()

    def teardown(self) -> None:
        self.free()
        if self.mode == "tmpfs":
            subprocess.run(["umount", "-l", self.data_dir], check=False, capture_output=True)
