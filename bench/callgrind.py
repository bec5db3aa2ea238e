"""Instructions a process executes until a moment it reports: valgrind's callgrind,
dumped at that moment (`callgrind_control --dump`).

Wall-clock and CPU seconds of one start-up vary by a third from run to run on a
shared 2-core virtual machine, the bare PySide6 window's as much as the app's;
the instructions executed hardly vary at all (two runs of the same start: the
same count to a million). So beside the timed ratio (what the owner sees) the
start-up benchmark reports instructions to the window shown, app ÷ bare
window: a change of 1 % is visible, whatever else the machine runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

TOTALS = re.compile(r"^(?:totals|summary):\s*(\d+)", re.MULTILINE)


def available() -> bool:
    return shutil.which("valgrind") is not None and shutil.which("callgrind_control") is not None


def prefix(out_dir: Path) -> list[str]:
    """The command prefix: run under callgrind, one output file per process id."""
    return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_dir}/cg.%p"]


def dump_now(pid: int, out_dir: Path, timeout: float = 120.0) -> int:
    """Dump `pid`'s counts so far and return its instructions (Ir) up to now."""
    subprocess.run(
        ["callgrind_control", "--dump", str(pid)],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    dumped = out_dir / f"cg.{pid}.1"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dumped.exists() and (match := TOTALS.search(dumped.read_text(errors="replace"))):
            return int(match.group(1))
        time.sleep(0.2)
    raise TimeoutError(f"callgrind wrote no dump for process {pid} within {timeout:.0f} s")


def count_until_line(
    command: list[str], env: dict[str, str], ready: Callable[[str], bool], timeout: float = 600
) -> int:
    """Instructions of `command` until it prints a line (stdout) for which `ready` is true."""
    with tempfile.TemporaryDirectory(prefix="lila-callgrind-") as tmp:
        out_dir = Path(tmp)
        proc = subprocess.Popen(
            [*prefix(out_dir), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # A process that hangs silently prints nothing to wake the loop below: killed
        # at the deadline, its output ends.
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if ready(line):
                    return dump_now(proc.pid, out_dir)
            raise RuntimeError(f"{command[0]} ended, or hung {timeout:.0f} s, before the line")
        finally:
            watchdog.cancel()
            proc.kill()
            proc.wait(30)
