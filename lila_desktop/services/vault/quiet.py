"""Knowing, without reading it, that a live store has not changed since we checked it.

A reconnect backup or a periodic seal of an unchanged store ends as a no-op
after a full snapshot, integrity check and encryption (~60 ms for 5 MB). At
many numbers reconnecting that work held the event loop's worker threads
busy (bench item 1). A stamp of the file (inode, size, mtime) proves "no
write since" only if the write that produced that mtime happened clearly
before our check began: the kernel's mtime clock is coarse (a few ms), so a
write landing in the same tick as our snapshot could keep the same stamp.
Hence only stamps older than the check by `SETTLE_NS` are remembered, and a
rollback journal beside the store (a transaction in flight) means "changed".
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

SETTLE_NS: Final = 200_000_000  # 0.2 s, far above any mtime granularity


@dataclass(frozen=True)
class Stamp:
    inode: int
    size: int
    mtime_ns: int


def stamp_of(path: Path, sidecars: Iterable[Path]) -> Stamp | None:
    """The file's stamp, or None if it is missing or mid-transaction."""
    if any(p.exists() for p in sidecars):
        return None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return Stamp(st.st_ino, st.st_size, st.st_mtime_ns)


class QuietStores:
    """Per (phone, purpose): the stamp a completed check proved current."""

    def __init__(self) -> None:
        self._proved: dict[tuple[str, str], Stamp] = {}

    @staticmethod
    def begin(path: Path, sidecars: Iterable[Path]) -> tuple[Stamp | None, int]:
        """Call before reading: the stamp then, and when the check started."""
        return stamp_of(path, sidecars), time.time_ns()

    def remember(self, phone: str, purpose: str, begun: tuple[Stamp | None, int]) -> None:
        stamp, started_ns = begun
        if stamp is not None and stamp.mtime_ns < started_ns - SETTLE_NS:
            self._proved[(phone, purpose)] = stamp
        else:
            self._proved.pop((phone, purpose), None)

    def unchanged(self, phone: str, purpose: str, path: Path, sidecars: Iterable[Path]) -> bool:
        proved = self._proved.get((phone, purpose))
        return proved is not None and stamp_of(path, sidecars) == proved

    def drop(self, phone: str, purpose: str) -> None:
        self._proved.pop((phone, purpose), None)

    def forget(self, phone: str) -> None:
        for key in [k for k in self._proved if k[0] == phone]:
            del self._proved[key]
