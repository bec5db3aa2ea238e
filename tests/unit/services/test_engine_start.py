"""An engine that dies or hangs while it starts never holds the numbers back.

The chaos campaign once killed the engine, then killed its successor while it
was still importing: nobody watched a starting engine but its hello, so the
death cost the whole hello bound (30 s) plus the retry delay, and every number
stayed down for 35 s. A start now ends when the engine answers or exits,
whichever comes first, and a start that fails leaves no engine behind.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from lila_desktop.services.engine import client as engine_client
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineClient, EngineError

# The real engine, except that its start number `dies_at` (counted in a file)
# exits at once, before it can answer its hello: an engine killed while it
# imports. Every other start runs `python -m lila_desktop --engine`.
FLAKY_ENGINE = """
import os, runpy, sys
counter, dies_at = sys.argv[1], int(sys.argv[2])
starts = int(open(counter).read() or 0) + 1 if os.path.exists(counter) else 1
with open(counter, "w") as fh:
    fh.write(str(starts))
if starts == dies_at:
    os._exit(9)
sys.argv = ["lila_desktop", "--engine", "--transport", "simulated"]
runpy.run_module("lila_desktop", run_name="__main__", alter_sys=True)
"""

# Reads its requests and never answers one: an engine stuck in its start-up.
MUTE_ENGINE = "import sys; sys.stdin.buffer.read()"


def _engine(command: list[str], on_died: Callable[[str], None] = lambda r: None) -> EngineClient:
    return EngineClient("simulated", on_event=lambda m: None, on_died=on_died, command=command)


@pytest.mark.asyncio
async def test_an_engine_killed_while_it_starts_is_replaced_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=engine_client.__name__)
    command = [sys.executable, "-c", FLAKY_ENGINE, str(tmp_path / "starts"), "2"]
    died = asyncio.Event()
    engine = _engine(command, on_died=lambda r: died.set())
    await engine.start()
    try:
        first = engine.pid
        await engine.kill()  # the fault: kill -9; its successor dies in its start-up
        await died.wait()
        answer = await engine.request(p.OP_HELLO)
        assert answer["pid"] not in (first, None)
        assert (tmp_path / "starts").read_text() == "3"
        said = caplog.text
        assert "exited with code 9 while starting" in said
        assert "did not answer" not in said  # noticed as a death, not waited out
    finally:
        await engine.aclose()


@pytest.mark.asyncio
async def test_an_engine_that_never_answers_its_hello_is_not_left_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_client, "HELLO_TIMEOUT", 0.5)
    command = [sys.executable, "-c", MUTE_ENGINE]
    engine = _engine(command)
    with pytest.raises(EngineError, match="did not answer 'hello'"):
        await engine.start()
    assert engine.pid is not None
    assert not psutil.pid_exists(engine.pid), "a stuck engine lives on beside the next one"
    # The next start gets twice as long.
    assert engine_client.hello_bound(engine._slow_starts) == 1.0


def test_the_hello_bound_grows_for_an_engine_that_is_slow_for_real() -> None:
    # Killed and started from zero at the same bound, an engine that needs 40 s
    # would never be ready; each timed-out start gives the next one twice as long.
    bounds = [engine_client.hello_bound(n) for n in range(6)]
    assert bounds[0] == engine_client.HELLO_TIMEOUT
    assert bounds[:4] == sorted(set(bounds[:4]))
    assert bounds[3] == bounds[4] == bounds[5] == 8 * engine_client.HELLO_TIMEOUT


@pytest.mark.asyncio
async def test_an_engine_killed_while_the_app_starts_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=engine_client.__name__)
    command = [sys.executable, "-c", FLAKY_ENGINE, str(tmp_path / "starts"), "1"]
    engine = _engine(command)
    await engine.start()  # the first engine dies before its hello
    try:
        assert (await engine.request(p.OP_HELLO))["pid"] == engine.pid
        assert (tmp_path / "starts").read_text() == "2"
        assert "exited with code 9 while starting" in caplog.text
    finally:
        await engine.aclose()


@pytest.mark.asyncio
async def test_an_engine_that_dies_at_every_start_is_an_error_not_a_hang() -> None:
    command = [sys.executable, "-c", "import os; os._exit(3)"]
    engine = _engine(command)
    with pytest.raises(EngineError, match="exited with code 3 while starting"):
        await engine.start()
