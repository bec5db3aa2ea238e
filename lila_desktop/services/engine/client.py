"""The pool's side of the engine: spawn, talk to, supervise and recycle it.

If the engine dies (Go panic, kill -9, a simulated crash) every pending
request fails with EngineUnavailable, `on_died` tells the pool (which turns it
into EngineDied for every session: credentials on disk are untouched), and a
new engine is started at once; sessions come back through the policy.
Before leaked file handles (hazard 6) become a problem the engine is
recycled: asked to shut down cleanly, then restarted the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.process import (
    engine_command,
    engine_env,
    fd_budget,
    forget_sim_state,
    log_engine_line,
    recycle_reason,
    wait_gone,
)

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT = 45.0  # above the engine's own 30 s bounds
HELLO_TIMEOUT = 30.0  # importing neonize takes ~1 s; a cold laptop more
MAX_HELLO_DOUBLINGS = 3  # a start that keeps timing out gets 60, 120, then 240 s
SLOW_START = 5.0  # a start slower than this is logged: the owner's numbers wait on it
RESTART_DELAYS = (0.0, 0.5, 1.0, 2.0, 5.0)  # consecutive crashes back off a little
START_ATTEMPTS = 3  # the app's first engine: deaths while starting, before it gives up
STATS_INTERVAL = 30.0


EngineError = p.EngineError  # defined with the protocol; importers know them from here
EngineUnavailable = p.EngineUnavailable


def hello_bound(slow_starts: int) -> float:
    """The hello bound after `slow_starts` starts in a row timed out: doubled
    each time, so an engine that is slow for real (a cold disk, an antivirus
    scanning the bundle) is not killed and restarted from zero for ever."""
    return float(HELLO_TIMEOUT * 2 ** min(slow_starts, MAX_HELLO_DOUBLINGS))


class EngineClient:
    def __init__(
        self,
        transport: str,
        *,
        on_event: Callable[[dict[str, Any]], None],
        on_died: Callable[[str], None],
        env: Mapping[str, str] | None = None,
        command: list[str] | None = None,
        max_fds: int | None = None,
        max_connects: int = 500,
        stats_interval: float = STATS_INTERVAL,
        bot_label: bool = False,
        sim_state: Path | None = None,
    ) -> None:
        self.transport = transport
        self._on_event = on_event
        self._on_died = on_died
        self._env = dict(env) if env is not None else None
        self._command = command or engine_command(transport)
        self.max_fds = max_fds or fd_budget()
        self.max_connects = max_connects
        self.stats_interval = stats_interval
        self.bot_label = bot_label
        # The simulated transport only: WhatsApp's servers outlive our engine, so
        # its simulated server keeps their facts here across engine restarts.
        self.sim_state = sim_state if transport == "simulated" else None
        self.healthy_after = 60.0  # a run this long resets the crash back-off
        self.recycles = 0
        self._proc: asyncio.subprocess.Process | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        # Requests of this loop iteration, each with the engine it was meant for.
        self._outbox: list[tuple[asyncio.subprocess.Process, bytes]] = []
        self._flush_pending = False
        self._ready = asyncio.Event()
        self._closing = False
        self._planned_exit = False
        self._crashes = 0
        self._spawned_at = 0.0
        self._slow_starts = 0  # starts in a row that did not answer their hello in time
        self._supervisor: asyncio.Task[None] | None = None
        self._stats_task: asyncio.Task[None] | None = None
        self.restarts = 0
        self.last_restart_seconds: float | None = None
        self.pid: int | None = None

    # --- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        forget_sim_state(self.sim_state)  # a new life of the app: a new simulated server
        # An engine killed while the app starts (an antivirus, a kill -9) is
        # replaced like a crash; one that dies at every start is an error.
        for attempt in range(START_ATTEMPTS):
            try:
                await self._spawn()
                break
            except EngineUnavailable as exc:
                if attempt == START_ATTEMPTS - 1:
                    raise
                logger.error("engine failed to start: %s; retrying", exc)
                await asyncio.sleep(RESTART_DELAYS[attempt])
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())
        self._stats_task = asyncio.get_running_loop().create_task(self._watch_resources())

    async def _spawn(self) -> None:
        base = os.environ if self._env is None else self._env
        env = engine_env(base, bot_label=self.bot_label, sim_state=self.sim_state)
        self._proc = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            limit=p.MAX_LINE + 1024,
            # Its own process group: a terminal's Ctrl-C reaches only the pool.
            start_new_session=os.name == "posix",
        )
        self.pid = self._proc.pid
        self._spawned_at = time.monotonic()
        self._readers = [
            asyncio.get_running_loop().create_task(self._read_stdout(self._proc)),
            asyncio.get_running_loop().create_task(self._read_stderr(self._proc)),
        ]
        try:
            hello = await self._hello(self._proc)
            if hello.get("v") != p.PROTOCOL_VERSION:
                raise EngineError(
                    f"engine speaks protocol {hello.get('v')}, need {p.PROTOCOL_VERSION}"
                )
        except BaseException as exc:
            await self._discard(self._proc)
            if isinstance(exc, EngineError) and exc.code == "TIMEOUT":
                self._slow_starts += 1
            raise
        self._slow_starts = 0
        took = time.monotonic() - self._spawned_at
        if took > SLOW_START:
            logger.warning("the engine took %.1f s to start; the numbers waited for it", took)
        logger.info("engine %s ready (pid %s)", self.transport, self._proc.pid)
        self._ready.set()

    async def _hello(self, proc: asyncio.subprocess.Process) -> dict[str, Any]:
        """The engine's first answer, or its death, whichever comes first: an
        engine killed while it starts must not cost the whole hello bound
        (nobody else watches it until it is ready)."""
        loop = asyncio.get_running_loop()
        bound = hello_bound(self._slow_starts)
        call = loop.create_task(self._call(p.OP_HELLO, {}, bound, wait_ready=False))
        exited = loop.create_task(proc.wait())
        try:
            await asyncio.wait((call, exited), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (call, exited):
                task.cancel()
        if call.done() and not call.cancelled():
            hello: dict[str, Any] = call.result()
            return hello
        raise EngineUnavailable(f"the engine exited with code {proc.returncode} while starting")

    async def _discard(self, proc: asyncio.subprocess.Process) -> None:
        """A start that failed leaves no engine behind: one stuck in its start-up
        would otherwise live on beside its successor."""
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def _supervise(self) -> None:
        while not self._closing:
            proc = self._proc
            assert proc is not None
            code = await proc.wait()
            for reader in self._readers:
                with contextlib.suppress(asyncio.CancelledError):
                    await reader  # drain the last stderr lines (a Go panic's message)
            self._ready.clear()
            self._fail_pending(EngineUnavailable())
            if self._closing:
                return
            planned, self._planned_exit = self._planned_exit, False
            reason = "recycled" if planned else f"engine exited with code {code}"
            if planned:
                self.recycles += 1
                logger.info("engine recycled")
            else:
                logger.error("%s; restarting it", reason)
                # Crashes in a row back off a little; a long healthy run resets that.
                healthy = time.monotonic() - self._spawned_at > self.healthy_after
                self._crashes = 1 if healthy else self._crashes + 1
            died_at = time.monotonic()
            self._on_died(reason)
            delay = (
                RESTART_DELAYS[min(self._crashes, len(RESTART_DELAYS)) - 1] if not planned else 0
            )
            await asyncio.sleep(delay)
            while not self._closing:
                try:
                    await self._spawn()
                    break
                except (OSError, EngineError) as exc:
                    # A failed start is one more crash in a row: killed while it
                    # started, it comes back at once; a start that keeps failing
                    # backs off to the last delay.
                    self._crashes += 1
                    delay = RESTART_DELAYS[min(self._crashes, len(RESTART_DELAYS)) - 1]
                    logger.error("engine failed to start: %s; retrying in %g s", exc, delay)
                    await asyncio.sleep(delay)
            self.restarts += 1
            self.last_restart_seconds = time.monotonic() - died_at
            logger.info("engine back after %.2f s", self.last_restart_seconds)

    async def _watch_resources(self) -> None:
        """Hazard 6: one fd leaks per connect; recycle before the limit."""
        while not self._closing:
            await asyncio.sleep(self.stats_interval)
            try:
                stats = await self.request(p.OP_STATS, timeout=10)
            except EngineError:
                continue
            reason = recycle_reason(stats, self.max_fds, self.max_connects)
            if reason is not None:
                logger.info("recycling the engine: %s", reason)
                await self.recycle()

    async def recycle(self) -> None:
        """Clean restart: clients stop inside, then a fresh engine starts."""
        if self._proc is None or self._proc.returncode is not None:
            return
        self._planned_exit = True
        with contextlib.suppress(EngineError):
            await self._call(p.OP_SHUTDOWN, {}, REQUEST_TIMEOUT, wait_ready=True)
        await self._wait_exit(self._proc, 10.0)

    def end_now(self, timeout: float = 5.0) -> None:
        """The OS is ending the session: no loop turn is left for a clean shutdown.
        Kill the engine and wait (blocking) until it is gone, so its handles on the
        live stores are closed before they are sealed and deleted."""
        self._closing = True
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        forget_sim_state(self.sim_state)
        wait_gone(proc.pid, timeout)

    async def kill(self) -> None:
        """For tests and the chaos campaign: what a Go panic looks like."""
        if self._proc is not None and self._proc.returncode is None:
            self._proc.kill()

    async def aclose(self) -> None:
        if self._closing:
            return
        self._closing = True
        for task in (self._stats_task,):
            if task is not None:
                task.cancel()
        proc = self._proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(EngineError):
                await self._call(p.OP_SHUTDOWN, {}, 30.0, wait_ready=False)
            await self._wait_exit(proc, 10.0)
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        self._fail_pending(EngineUnavailable("the app is shutting down"))
        forget_sim_state(self.sim_state)

    async def _wait_exit(self, proc: asyncio.subprocess.Process, timeout: float) -> None:
        if proc.stdin is not None and not proc.stdin.is_closing():
            proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            logger.warning("engine did not exit in %.0f s; killing it", timeout)
            proc.kill()
            await proc.wait()

    # --- requests ----------------------------------------------------------

    async def request(self, op: str, *, timeout: float = REQUEST_TIMEOUT, **args: Any) -> Any:
        """Send one request and wait for its answer (waits for a restart)."""
        return await self._call(op, args, timeout, wait_ready=True)

    async def _call(
        self, op: str, args: dict[str, Any], timeout: float, *, wait_ready: bool
    ) -> Any:
        if self._closing and op != p.OP_SHUTDOWN:
            raise EngineUnavailable("the app is shutting down")
        if wait_ready and not self._ready.is_set():  # a wait_for costs a task and a timer
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                raise EngineUnavailable() from None
        proc = self._proc
        if proc is None or proc.stdin is None or proc.returncode is not None:
            raise EngineUnavailable()
        req_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = future
        try:
            self._send(proc, p.request(req_id, op, **args))
            if proc.stdin.transport.get_write_buffer_size() > p.MAX_LINE:
                await proc.stdin.drain()  # the engine stopped reading: wait
            return await asyncio.wait_for(future, timeout)
        except (BrokenPipeError, ConnectionResetError):
            raise EngineUnavailable() from None
        except TimeoutError:
            raise EngineError(
                f"the engine did not answer '{op}' in {timeout:.0f} s", "TIMEOUT"
            ) from None
        finally:
            self._pending.pop(req_id, None)

    def _send(self, proc: asyncio.subprocess.Process, line: bytes) -> None:
        """Queue a request; those of one loop iteration leave in one write (a
        burst of 200 drops is one round trip to the engine, not 200)."""
        self._outbox.append((proc, line))
        if not self._flush_pending:
            self._flush_pending = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        queued, self._outbox = self._outbox, []
        proc = self._proc
        # Lines for an engine that is gone are dropped: _supervise fails them.
        data = b"".join(line for target, line in queued if target is proc)
        if not data or proc is None or proc.stdin is None or proc.stdin.is_closing():
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.write(data)

    def _fail_pending(self, exc: EngineError) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(exc)
        self._pending.clear()

    # --- reading -----------------------------------------------------------

    async def _read_stdout(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while True:
            try:
                line = await proc.stdout.readline()
            except ValueError:  # a line over the limit: protocol violation
                logger.error("engine sent an oversized line; restarting it")
                proc.kill()
                return
            if not line:
                return
            try:
                message = p.decode(line)
            except p.ProtocolError as exc:
                logger.error("engine sent a malformed line: %s", exc)
                continue
            if "ev" in message:
                try:
                    self._on_event(message)
                except Exception:
                    logger.exception("event handler failed for %s", message.get("ev"))
            elif "id" in message:
                future = self._pending.get(message["id"])
                if future is None or future.done():
                    continue
                if message["ok"]:
                    future.set_result(message.get("result"))
                else:
                    error = message.get("error") or {}
                    future.set_exception(
                        EngineError(str(error.get("message")), str(error.get("code")))
                    )

    async def _read_stderr(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stderr is not None
        while True:
            line = await proc.stderr.readline()
            if not line:
                return
            log_engine_line(line.decode("utf-8", "replace").rstrip())
