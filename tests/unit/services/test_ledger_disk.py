"""The quota ledger tells a full disk from a damaged file (issue 13, finding 3)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from lila_desktop.services.quota import SqliteLedger
from lila_desktop.services.quota._sqlite import LedgerDiskFull, LedgerUnavailable
from tests.e2e.small_disk import fill, small_disk

pytestmark = pytest.mark.asyncio
SENDER = "51902049935"


async def test_a_full_disk_is_not_called_a_damaged_file(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with small_disk(disk, "1m"):
        fill(disk)
        led = SqliteLedger(disk / "quota" / "ledger.sqlite3")
        try:
            with pytest.raises(LedgerDiskFull) as first:  # first use: no room for its files
                await led.reserve(SENDER, "k1")
            (disk / "filler").unlink()
            await led.reserve(SENDER, "k2")
            fill(disk)
            with pytest.raises(LedgerDiskFull) as later:  # open: SQLite's "disk is full"
                for n in range(50):
                    await led.reserve(SENDER, f"k-{n}")
            (disk / "filler").unlink()
            await led.commit(SENDER, "k2")  # the connection is usable again
        finally:
            await led.aclose()
    for exc in (first.value, later.value):
        assert exc.errno == errno.ENOSPC
        assert "is full" in str(exc) and "Free some space" in str(exc)
        assert "move it aside" not in str(exc).lower()


async def test_a_damaged_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    async with SqliteLedger(path) as led:
        with pytest.raises(LedgerUnavailable, match=r"damaged; move it aside"):
            await led.status(SENDER)


async def test_the_ledger_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "quota" / "ledger.sqlite3"
    async with SqliteLedger(path) as led:
        await led.reserve(SENDER, "k")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
