"""Engine requests and answers are batched per loop iteration (bench item 1).

A burst of requests (200 numbers dropping at once) used to cost one pipe
write per request and one per answer; now the lines of one loop iteration
leave in one write, in both directions, and each still gets its own answer.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.engine.host import EngineHost
from lila_desktop.services.transports.simulated import create_transport


class Out(io.RawIOBase):
    """The engine's protocol pipe, recording each write."""

    def __init__(self, expect: int) -> None:
        self.writes: list[bytes] = []
        self.expect = expect
        self.done = asyncio.Event()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes.append(bytes(data))
        if sum(w.count(b"\n") for w in self.writes) >= self.expect:
            self.done.set()
        return len(data)


@pytest.mark.asyncio
async def test_the_answers_to_a_burst_leave_the_engine_in_one_write() -> None:
    out = Out(expect=20)
    host = EngineHost(create_transport(), out)  # type: ignore[arg-type]
    lines: asyncio.Queue[bytes | None] = asyncio.Queue()
    serving = asyncio.get_running_loop().create_task(host.serve(lines))
    for req_id in range(1, 21):  # a burst, as 20 supervisors send it
        lines.put_nowait(p.request(req_id, p.OP_STATS))
    await asyncio.wait_for(out.done.wait(), 10)
    lines.put_nowait(None)
    await asyncio.wait_for(serving, 10)
    answers = [p.decode(line) for w in out.writes for line in w.splitlines(keepends=True)]
    assert sorted(a["id"] for a in answers) == list(range(1, 21))
    assert all(a["ok"] for a in answers)
    assert len(out.writes) == 1, f"{len(out.writes)} writes for one burst"


@pytest.mark.asyncio
async def test_a_burst_of_requests_reaches_the_engine_in_one_round_trip(tmp_path: Path) -> None:
    engine = EngineClient("simulated", on_event=lambda m: None, on_died=lambda r: None)
    await engine.start()
    try:
        assert engine._proc is not None and engine._proc.stdin is not None
        writes: list[bytes] = []
        stdin = engine._proc.stdin
        real_write = stdin.write

        def counting(data: bytes) -> None:  # a spy: the real write runs
            writes.append(data)
            real_write(data)

        stdin.write = counting  # type: ignore[method-assign]
        results = await asyncio.gather(*(engine.request(p.OP_STATS) for _ in range(30)))
        assert len(results) == 30 and all(r["pid"] == engine.pid for r in results)
        assert len(writes) == 1 and writes[0].count(b"\n") == 30
    finally:
        await engine.aclose()
