"""glibc's malloc arenas limited and trimmed (services/memory.py): the soak's
RSS climbed in per-thread arenas while the Python heap stayed nearly flat."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from lila_desktop.services import memory

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="glibc's allocator only")


@linux_only
def test_the_executor_is_installed_with_two_arenas_at_most() -> None:
    # In a fresh interpreter: 16 threads allocating at once would make 16 arenas
    # (15 here, without the limit; checked); with it, at most 2 (the main one is not counted).
    code = (
        "import asyncio, threading\n"
        "from lila_desktop.services.runtime import install_executor\n"
        "loop = asyncio.new_event_loop(); install_executor(loop)\n"
        "barrier = threading.Barrier(16)\n"
        "def work():\n"
        "    barrier.wait(); keep = [bytearray(4000) for _ in range(2000)]; barrier.wait()\n"
        "threads = [threading.Thread(target=work) for _ in range(16)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "maps = [m.split() for m in open('/proc/self/maps').read().splitlines()]\n"
        # glibc's secondary arenas: 64 MiB-aligned anonymous read-write heaps
        "print(sum(1 for m in maps if len(m) == 5 and m[1].startswith('rw')\n"
        "          and m[0].split('-')[0].endswith('000000')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) <= memory.ARENAS, out.stdout


@linux_only
@pytest.mark.asyncio
async def test_the_trimmer_trims_and_stops() -> None:
    trimmer = memory.MemoryTrimmer(every=0.01)
    await trimmer.start()
    assert trimmer._task is not None and not trimmer._task.done()
    await asyncio.sleep(0)
    await trimmer.aclose()
    assert trimmer._task.cancelled()
