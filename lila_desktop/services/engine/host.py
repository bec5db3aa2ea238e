"""The engine process: hosts one transport and its clients, speaks the protocol.

Started by the pool as `lila-desktop --engine --transport NAME` (the frozen
app re-runs itself the same way). Requests arrive on stdin; responses and
events leave on a private copy of the original stdout. fd 1 is then pointed
at stderr, so Go's `Login event: …` chatter can never corrupt the protocol:
the pool reads stderr and files every line into our log.

Hazards handled here (NEONIZE_NOTES.md): logging is configured before the
transport (and so neonize) is imported (12); every connect/stop is serialized
behind one lock (1) and bounded by a timeout (5); the default executor has 64
workers (4). The engine exits when the pool goes away (stdin EOF).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from lila_desktop.services.engine import protocol as p
from lila_desktop.services.transports.base import SessionClient, Transport, TransportError

logger = logging.getLogger("lila_desktop.engine")

CONNECT_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
CALL_TIMEOUT = 30.0
EXECUTOR_WORKERS = 64  # one blocking Go call per live session (hazard 4)
BOT_TAG_VAR = "NEONIZE_BOT_TAG"
SEND_UNKNOWN_MESSAGE = (
    "WhatsApp did not confirm the message within {:g} s; it may still be delivered. "
    "Check the chat on the phone before sending it again."
)
LOG_FORMAT = "%(levelname)s|%(name)s|%(message)s"  # parsed by the pool


class EngineHost:
    def __init__(self, transport: Transport, out: BinaryIO) -> None:
        self.transport = transport
        self._out = out
        self._write_lock = threading.Lock()  # log records may come from threads
        self._lifecycle = asyncio.Lock()  # hazard 1: one connect/stop at a time
        self._clients: dict[str, SessionClient] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()
        self.stop_timeouts = 0
        self._queued: list[bytes] = []  # lines waiting for this iteration's write
        self._flush_pending = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0

    # --- output ------------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Queue one line; the lines of one loop iteration leave in one write
        (a burst of 200 answers and events is one pipe write, not 200)."""
        with self._write_lock:
            self._queued.append(data)
            if self._flush_pending:
                return
            self._flush_pending = True
        loop = self._loop
        if loop is None or loop.is_closed() or self._closing.is_set():
            self._flush()  # no loop to wait for (start-up, shutdown): now
        elif threading.get_ident() == self._loop_thread:
            loop.call_soon(self._flush)
        else:  # a transport callback on one of its own threads
            loop.call_soon_threadsafe(self._flush)

    def _flush(self) -> None:
        with self._write_lock:
            data, self._queued = b"".join(self._queued), []
            self._flush_pending = False
            if not data:
                return
            try:
                self._out.write(data)
                self._out.flush()
            except (BrokenPipeError, ValueError, OSError):
                self._closing.set()  # the pool is gone

    def _sink_for(self, phone: str, gen: int) -> Any:
        def sink(event: str, **fields: Any) -> None:
            if self._clients.get(phone) is not None and self._clients[phone].generation != gen:
                return  # a superseded client: never report its events
            self.send(p.event(event, phone=phone, gen=gen, **fields))

        return sink

    def engine_event(self, event: str, **fields: Any) -> None:
        self.send(p.event(event, **fields))

    # --- requests ----------------------------------------------------------

    async def serve(self, lines: asyncio.Queue[bytes | None]) -> None:
        self._loop, self._loop_thread = asyncio.get_running_loop(), threading.get_ident()
        while not self._closing.is_set():
            line = await lines.get()
            if line is None:
                logger.info("pool closed the pipe; shutting down")
                break
            try:
                message = p.decode(line)
            except p.ProtocolError as exc:
                logger.error("dropped a malformed request: %s", exc)
                continue
            if "op" not in message:
                logger.error("dropped a message that is not a request")
                continue
            if message["op"] == p.OP_SHUTDOWN:
                await self.shutdown()
                self.send(p.response_ok(message["id"]))
                self._flush()  # the loop ends here: nothing may stay queued
                return
            task = asyncio.get_running_loop().create_task(self._handle(message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await self.shutdown()
        self._flush()

    async def _handle(self, message: dict[str, Any]) -> None:
        req_id: int = message["id"]
        try:
            result = await self._dispatch(message["op"], message.get("args", {}))
        except TransportError as exc:
            self.send(p.response_error(req_id, str(exc), exc.code))
        except TimeoutError:
            self.send(p.response_error(req_id, f"{message['op']} timed out", "TIMEOUT"))
        except (KeyError, TypeError, ValueError) as exc:
            self.send(p.response_error(req_id, f"bad request: {exc}", "BAD_REQUEST"))
        except Exception as exc:
            logger.exception("request %s failed", message["op"])
            self.send(p.response_error(req_id, f"{type(exc).__name__}: {exc}"))
        else:
            self.send(p.response_ok(req_id, result))

    async def _dispatch(self, op: str, args: dict[str, Any]) -> Any:
        if op == p.OP_HELLO:
            return {"v": p.PROTOCOL_VERSION, "pid": os.getpid(), "transport": self.transport.name}
        if op == p.OP_START:
            await self.start(str(args["phone"]), int(args["gen"]), Path(str(args["store"])))
            return None
        if op == p.OP_STOP:
            await self.stop(str(args["phone"]))
            return None
        if op == p.OP_STATS:
            return self.stats()
        if op == p.OP_SIMULATE:
            phone = args.get("phone")
            await self.transport.simulate(
                None if phone is None else str(phone),
                str(args["event"]),
                dict(args.get("args", {})),
            )
            return None
        client = self._client(str(args["phone"]))
        if op == p.OP_LOGOUT:
            await asyncio.wait_for(client.logout(), CALL_TIMEOUT)
            return None
        if op == p.OP_PAIR_PHONE:
            return {"code": await asyncio.wait_for(client.pair_phone(), CALL_TIMEOUT)}
        if op == p.OP_SEND_TEXT:
            try:
                sent = await asyncio.wait_for(
                    client.send_text(str(args["to"]), str(args["text"])), CALL_TIMEOUT
                )
            except TimeoutError:
                # The Go send keeps running (hazard 17): it may still arrive.
                raise TransportError(
                    SEND_UNKNOWN_MESSAGE.format(CALL_TIMEOUT), "SEND_UNKNOWN"
                ) from None
            return {"message_id": sent.message_id, "timestamp": sent.timestamp}
        raise ValueError(f"unknown op {op!r}")

    def _client(self, phone: str) -> SessionClient:
        client = self._clients.get(phone)
        if client is None:
            raise TransportError("this number is not running", "NOT_RUNNING")
        return client

    async def start(self, phone: str, gen: int, store: Path) -> None:
        async with self._lifecycle:
            old = self._clients.pop(phone, None)
            if old is not None:
                await self._stop_client(old)
            client = self.transport.create_client(phone, gen, store, self._sink_for(phone, gen))
            self._clients[phone] = client
            await asyncio.wait_for(client.connect(), CONNECT_TIMEOUT)

    async def stop(self, phone: str) -> None:
        async with self._lifecycle:
            client = self._clients.pop(phone, None)
            if client is not None:
                await self._stop_client(client)

    async def _stop_client(self, client: SessionClient) -> None:
        try:
            await asyncio.wait_for(client.stop(), STOP_TIMEOUT)
        except TimeoutError:
            # hazard 5: stop() can hang on a stalled dial. The Go client is
            # abandoned; the pool recycles the engine when this count grows.
            self.stop_timeouts += 1
            logger.warning("stop of %s timed out; client abandoned", client.phone)

    def stats(self) -> dict[str, Any]:
        fds, rss, threads = _process_usage()
        return {
            "pid": os.getpid(),
            "fds": fds,
            "rss": rss,
            "threads": threads,
            "clients": len(self._clients),
            "stop_timeouts": self.stop_timeouts,
            "bot_tag": os.environ.get(BOT_TAG_VAR),
            **self.transport.stats(),
        }

    async def shutdown(self) -> None:
        if self._closing.is_set() and not self._clients:
            return
        self._closing.set()
        async with self._lifecycle:
            for phone in list(self._clients):
                await self._stop_client(self._clients.pop(phone))
        await self.transport.aclose()


def _process_usage() -> tuple[int, int, int]:
    import psutil

    proc = psutil.Process()
    fds = proc.num_fds() if hasattr(proc, "num_fds") else proc.num_handles()
    return int(fds), int(proc.memory_info().rss), int(proc.num_threads())


def _take_over_stdout() -> BinaryIO:
    """Keep the protocol on a private fd; send fd 1 (Go's chatter) to stderr."""
    sys.stdout.flush()
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    if sys.platform == "win32":  # pragma: no cover - Windows
        _point_std_output_at_stderr()
    sys.stdout = sys.stderr
    return os.fdopen(proto_fd, "wb", buffering=0)


def _point_std_output_at_stderr() -> None:
    """Windows: Go's os.Stdout is GetStdHandle(STD_OUTPUT_HANDLE), read when the
    library loads, and dup2 moves only the C runtime's fd 1 (it updates the
    standard handle only in console programs; the frozen app is not one). So
    the handle itself is pointed at stderr, before neonize is imported."""
    if sys.platform != "win32":
        return
    import ctypes
    import msvcrt
    from ctypes import wintypes

    std_output = wintypes.DWORD(-11 & 0xFFFFFFFF)  # STD_OUTPUT_HANDLE
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.SetStdHandle.argtypes = [wintypes.DWORD, wintypes.HANDLE]
    kernel32.SetStdHandle.restype = wintypes.BOOL
    kernel32.GetStdHandle.argtypes = [wintypes.DWORD]
    kernel32.GetStdHandle.restype = wintypes.HANDLE
    err = msvcrt.get_osfhandle(2)
    # A failure is logged, not fatal: the pool skips (and logs) lines that are
    # not protocol, so stray output costs log noise, not the engine.
    if not kernel32.SetStdHandle(std_output, err):
        logger.error("SetStdHandle(STD_OUTPUT_HANDLE) failed: %s", ctypes.get_last_error())
    elif kernel32.GetStdHandle(std_output) != err:
        logger.error("the standard output handle still points at the protocol pipe")


def _stdin_reader(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[bytes | None]) -> None:
    # A thread, because asyncio cannot read pipes portably (Windows).
    stdin = sys.stdin.buffer
    try:
        for line in iter(stdin.readline, b""):
            loop.call_soon_threadsafe(lines.put_nowait, line)
    finally:
        loop.call_soon_threadsafe(lines.put_nowait, None)


def run_engine(transport_name: str, log_level: str = "INFO") -> int:
    """Entry point of the engine process."""
    # The pool owns our lifetime (stdin EOF ends us); a Ctrl-C in the terminal
    # is for the pool, which then shuts us down cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = _take_over_stdout()
    # Before the transport import: neonize calls logging.basicConfig(INFO) at
    # import, which is a no-op once the root logger has a handler (hazard 12).
    logging.basicConfig(level=log_level, format=LOG_FORMAT, stream=sys.stderr, force=True)
    logging.getLogger("neonize.utils.ffmpeg").setLevel(logging.ERROR)  # media unused

    # Hazard 16: without "off" in the environment Go loads with, every 1:1 text
    # carries <bot biz_bot="1"/> and customers see an AI/bot label. The pool
    # sets it from the owner's setting; an engine started by hand stays off.
    os.environ.setdefault(BOT_TAG_VAR, "off")
    from lila_desktop.services.transports import load_transport

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=EXECUTOR_WORKERS))
    try:
        transport = load_transport(transport_name)
    except Exception as exc:
        logger.error("could not load the %s transport: %s", transport_name, exc)
        return 3
    host = EngineHost(transport, out)
    if hasattr(transport, "on_engine_event"):
        transport.on_engine_event = host.engine_event
    lines: asyncio.Queue[bytes | None] = asyncio.Queue()
    threading.Thread(target=_stdin_reader, args=(loop, lines), daemon=True).start()
    try:
        loop.run_until_complete(host.serve(lines))
    finally:
        logging.shutdown()
        out.close()
    # Exit without interpreter finalization: the stdin reader thread and Go's
    # own threads may still be blocked in calls that finalization would trip on.
    os._exit(0)
