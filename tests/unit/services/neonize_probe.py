"""Drive the real neonize transport in a child process, for test_neonize_transport.py.

    python neonize_probe.py SCENARIO WORKDIR

neonize is never imported by pytest itself: a Go panic aborts the whole
process, and the test run with it. This script prints one JSON object per line
on its stdout (events the sink saw, request errors, measurements); like the
engine, it moves Go's own stdout chatter to stderr first so the lines stay
parseable. Synthetic events enter through neonize's own Go-callback entry
points (`Event.execute`, the QR callback), called from a worker thread as Go
would, so registration, protobuf decoding and the mapping all run for real.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

_proto_fd = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr
OUT = os.fdopen(_proto_fd, "w", buffering=1)
# Before neonize's import, which calls logging.basicConfig (hazard 12).
logging.basicConfig(
    level=logging.INFO, stream=sys.stderr, format="%(levelname)s|%(name)s|%(message)s"
)
logging.getLogger("neonize.utils.ffmpeg").setLevel(logging.ERROR)

import psutil  # noqa: E402

PROC = psutil.Process()
RSS_BEFORE_IMPORT = PROC.memory_info().rss
T0 = time.monotonic()

from neonize.aioze.events import (  # noqa: E402
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    DisconnectedEv,
    KeepAliveRestoredEv,
    KeepAliveTimeoutEv,
    LoggedOutEv,
    PairStatusEv,
    ReceiptEv,
    StreamErrorEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.events import EVENT_TO_INT  # noqa: E402
from neonize.proto.Neonize_pb2 import JID, Node, NodeAttrs  # noqa: E402

from lila_desktop.services.transports.base import TransportError  # noqa: E402
from lila_desktop.services.transports.neonize_transport import (  # noqa: E402
    NeonizeClient,
    NeonizeTransport,
    create_transport,
)

IMPORT_SECONDS = time.monotonic() - T0
RSS_AFTER_IMPORT = PROC.memory_info().rss


# neonize hands every event to its handler with run_coroutine_threadsafe and
# drops the future. Keep those futures, so the probe can wait until the
# handlers have run instead of sleeping.
_HANDLERS: list[concurrent.futures.Future[Any]] = []
_schedule = asyncio.run_coroutine_threadsafe


def _kept(coro: Any, loop: asyncio.AbstractEventLoop) -> concurrent.futures.Future[Any]:
    future = _schedule(coro, loop)
    _HANDLERS.append(future)
    return future


asyncio.run_coroutine_threadsafe = _kept


async def handlers_done(since: int = 0) -> None:
    """Until every handler neonize scheduled (from index `since`) has run."""
    pending = [asyncio.wrap_future(f) for f in _HANDLERS[since:]]
    if pending:
        async with asyncio.timeout(10):  # a failure bound, not a timing
            await asyncio.wait(pending)
    await asyncio.sleep(0)  # and what they handed to call_soon


def out(kind: str, **fields: Any) -> None:
    OUT.write(json.dumps({"kind": kind, **fields}) + "\n")


class Recorder:
    """Sinks that print every event with the client's label and a timestamp."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {}
        self._changed = asyncio.Event()

    def sink(self, label: str) -> Any:
        self.events.setdefault(label, [])

        def record(event: str, **fields: Any) -> None:
            entry = {"event": event, **fields}
            self.events[label].append(entry)
            self._changed.set()
            out("event", client=label, t=round(time.monotonic(), 4), **entry)

        return record

    async def wait(self, label: str, count: int = 1, within: float = 10.0) -> None:
        """Until `label` has `count` events, or `within` seconds passed (then go on)."""
        try:
            async with asyncio.timeout(within):
                while len(self.events[label]) < count:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            pass


async def dispatch(client: NeonizeClient, message: Any) -> None:
    """Hand one protobuf event to neonize exactly as its Go callback does."""
    # Partial: a reason neonize has no enum value for arrives without `Reason`.
    data = message.SerializePartialToString()
    buf = ctypes.create_string_buffer(data, len(data) or 1)
    code = EVENT_TO_INT[type(message)]
    nc = client._client  # the NewAClient behind our client
    since = len(_HANDLERS)
    await asyncio.to_thread(nc.event.execute, 0, ctypes.addressof(buf), len(data), code)
    await handlers_done(since)  # neonize schedules the handler on the loop


async def show_qr(client: NeonizeClient, code: str) -> None:
    buf = ctypes.create_string_buffer(code.encode())
    nc = client._client
    since = len(_HANDLERS)
    await asyncio.to_thread(nc._NewAClient__onQr, 0, ctypes.addressof(buf))
    await handlers_done(since)


async def request_error(coro: Any) -> dict[str, Any]:
    try:
        result = await coro
    except TransportError as exc:
        return {"error": str(exc), "code": exc.code}
    return {"result": repr(result)}


def rss() -> int:
    return int(PROC.memory_info().rss)


async def offline(work: Path) -> None:
    rec = Recorder()
    transport = create_transport()
    store = work / "a.db"
    client = transport.create_client("51900000001", 1, store, rec.sink("a"))
    out("before_connect", store_exists=store.exists(), stats=transport.stats())
    started = time.monotonic()
    await client.connect()
    await rec.wait("a")
    out("first_event", seconds=round(time.monotonic() - started, 4))
    handlers = sorted(client._client.event.list_func)
    await client.stop()
    await client.stop()
    out(
        "done",
        store_size=store.stat().st_size,
        stats=transport.stats(),
        handlers=handlers,
        import_seconds=round(IMPORT_SECONDS, 3),
    )


async def many(work: Path) -> None:
    rec = Recorder()
    transport = NeonizeTransport()
    rss_clients: list[int] = []
    fds_before = PROC.num_fds()
    clients = []
    for i in range(20):
        label = f"c{i}"
        client = transport.create_client(
            f"5190000{i:04d}", 1, work / f"{label}.db", rec.sink(label)
        )
        clients.append(client)
        await client.connect()
        await rec.wait(label)
        rss_clients.append(rss())
    live = transport.stats()
    for client in clients[:10]:
        await client.stop()
    await transport.aclose()  # the other ten
    out(
        "done",
        rss_before_import=RSS_BEFORE_IMPORT,
        rss_after_import=RSS_AFTER_IMPORT,
        rss_clients=rss_clients,
        rss_after_stop=rss(),
        fds_before=fds_before,
        fds_after=PROC.num_fds(),
        stats_live=live,
        stats_after=transport.stats(),
        events={label: [e["event"] for e in evs] for label, evs in rec.events.items()},
    )


async def stop(work: Path) -> None:
    rec = Recorder()
    transport = NeonizeTransport()
    a = transport.create_client("51900000001", 1, work / "a.db", rec.sink("a"))
    await a.stop()
    await a.stop()
    out("a", connect=await request_error(a.connect()), store_exists=(work / "a.db").exists())
    b = transport.create_client("51900000002", 1, work / "b.db", rec.sink("b"))
    await b.connect()
    await asyncio.gather(b.stop(), b.stop())  # concurrent stops share one Go Stop
    c = transport.create_client("51900000003", 1, work / "c.db", rec.sink("c"))
    await c.connect()
    await rec.wait("c")
    await c.stop()
    for message in (
        ConnectedEv(status=True),
        DisconnectedEv(status=True),
        StreamReplacedEv(),
        LoggedOutEv(OnConnect=True, Reason=2),
    ):
        await dispatch(c, message)
    await show_qr(c, "2@after-stop")
    await handlers_done()  # every event Go or we handed over (b's DNS failure too) has run
    out(
        "c",
        send=await request_error(c.send_text("51911111111", "hi")),
        pair=await request_error(c.pair_phone()),
        logout=await request_error(c.logout()),
    )
    out(
        "done",
        stats=transport.stats(),
        connects=transport.connects,
        events={label: [e["event"] for e in evs] for label, evs in rec.events.items()},
    )


async def corrupt(work: Path) -> None:
    rec = Recorder()
    transport = NeonizeTransport()
    garbage = work / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    malformed = work / "malformed.db"
    good = work / "good.db"
    seed = transport.create_client("51900000009", 1, good, rec.sink("seed"))
    await seed.connect()
    await rec.wait("seed")
    await seed.stop()
    data = good.read_bytes()
    malformed.write_bytes(data[:8192])  # a store cut short, as a full disk leaves it
    for label, path in (("garbage", garbage), ("malformed", malformed)):
        client = transport.create_client("51900000001", 1, path, rec.sink(label))
        await client.connect()
        await rec.wait(label)
        await client.stop()
    missing = transport.create_client("51900000001", 2, work / "nope" / "x.db", rec.sink("x"))
    out(
        "paths",
        bad=await request_error(_create(transport, work / "a#b.db")),
        missing_dir=await request_error(missing.connect()),
    )
    await missing.stop()
    # Another process holding the store locked is not corruption: whatsmeow
    # waits 5 s and gives up; the pool must retry, not quarantine.
    locked = work / "locked.db"
    locked.write_bytes(data)
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sqlite3,sys,time;c=sqlite3.connect(sys.argv[1],isolation_level=None);"
        "c.execute('BEGIN EXCLUSIVE');print('locked',flush=True);time.sleep(30)",
        str(locked),
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    await holder.stdout.readline()
    client = transport.create_client("51900000001", 3, locked, rec.sink("locked"))
    await client.connect()
    await rec.wait("locked", within=15)
    holder.kill()
    await holder.wait()
    await client.stop()
    out("done", stats=transport.stats())


async def _create(transport: NeonizeTransport, path: Path) -> None:
    transport.create_client("51900000001", 1, path, lambda event, **fields: None)


def _steps(now_jid: JID) -> list[tuple[str, Any]]:
    def raw(tag: str, attrs: dict[str, str], nodes: list[Any] | None = None) -> Any:
        return Node(
            Tag=tag, Attrs=[NodeAttrs(name=k, text=v) for k, v in attrs.items()], Nodes=nodes or []
        )

    steps: list[tuple[str, Any]] = [
        ("connected", ConnectedEv(status=True)),
        ("keepalive_recent", KeepAliveTimeoutEv(ErrorCount=1, LastSuccess=int(time.time()))),
        ("keepalive_1", KeepAliveTimeoutEv(ErrorCount=1, LastSuccess=1)),
        ("keepalive_2", KeepAliveTimeoutEv(ErrorCount=2, LastSuccess=1)),
        ("disconnected_same_drop", DisconnectedEv(status=True)),
        ("keepalive_restored", KeepAliveRestoredEv()),
        ("keepalive_again", KeepAliveTimeoutEv(ErrorCount=1, LastSuccess=1)),
        ("connected_2", ConnectedEv(status=True)),
        ("disconnected", DisconnectedEv(status=True)),
        ("connected_3", ConnectedEv(status=True)),
        ("disconnected_wait", DisconnectedEv(status=True)),
        ("connected_4", ConnectedEv(status=True)),
        ("stream_error_515", StreamErrorEv(Code="515", Raw=raw("stream:error", {"code": "515"}))),
        (
            "stream_error_conflict",
            StreamErrorEv(
                Code="", Raw=raw("stream:error", {}, [raw("conflict", {"type": "replaced"})])
            ),
        ),
        ("stream_replaced", StreamReplacedEv()),
        ("temp_ban", TemporaryBanEv(Code=TemporaryBanEv.SEND_TO_TOO_MANY_PEOPLE, Expire=3600)),
        ("temp_ban_no_expiry", TemporaryBanEv(Code=TemporaryBanEv.BLOCKED_BY_USERS, Expire=0)),
        ("logged_out_403", LoggedOutEv(OnConnect=True, Reason=4)),
        ("logged_out_401", LoggedOutEv(OnConnect=False, Reason=2)),
        ("logged_out_406", LoggedOutEv(OnConnect=True, Reason=5)),
        ("outdated", ClientOutdatedEv()),
    ]
    for number in range(1, 11):
        # Raw without a reason attribute: the enum alone must give the code.
        steps.append(
            (
                f"connect_failure_{number}",
                ConnectFailureEv(Reason=number, Message="m", Raw=raw("failure", {})),
            )
        )
    steps += [
        (
            "connect_failure_raw_418",
            ConnectFailureEv(Message="", Raw=raw("failure", {"reason": "418"})),
        ),
        (
            "connect_failure_raw_402",
            ConnectFailureEv(Message="", Raw=raw("failure", {"reason": "402", "expire": "600"})),
        ),
        ("connect_failure_no_code", ConnectFailureEv(Message="", Raw=raw("failure", {}))),
        ("pair_error", PairStatusEv(Status=PairStatusEv.ERROR, Error="bad signature")),
        ("receipt_delivered", ReceiptEv(MessageIDs=["3EB0A", "3EB0B"], Type=ReceiptEv.DELIVERED)),
        ("receipt_read", ReceiptEv(MessageIDs=["3EB0A"], Type=ReceiptEv.READ)),
        ("receipt_read_self", ReceiptEv(MessageIDs=["3EB0C"], Type=ReceiptEv.READ_SELF)),
        ("paired", PairStatusEv(Status=PairStatusEv.SUCCESS, ID=now_jid)),
    ]
    return steps


async def events(work: Path) -> None:
    rec = Recorder()
    transport = NeonizeTransport(qr_timeout=0.6, pair_wait=0.3, reconnect_grace=0.3)
    q = transport.create_client("51900000001", 1, work / "q.db", rec.sink("q"))
    await q.connect()
    await rec.wait("q")  # the offline connect failure
    out("q_pair_before_qr", **await request_error(q.pair_phone()))
    started = time.monotonic()
    await show_qr(q, "2@first-code")
    await show_qr(q, "2@second-code")
    out("q_pair_after_qr", **await request_error(q.pair_phone()))
    live_before = transport.stats()["clients"]
    await rec.wait("q", count=4, within=3.0)
    expired_after = time.monotonic() - started
    # The expiry stops the client: until that stop has run (3 s is a failure
    # bound; if it never runs, live_after shows it).
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(3):
            while q._stop_task is None or not q._stop_task.done():
                await asyncio.sleep(0.01)
    await show_qr(q, "2@after-expiry")
    out(
        "q_done",
        expired_after=round(expired_after, 3),
        live_before=live_before,
        live_after=transport.stats()["clients"],
        events=rec.events["q"],
    )

    m = transport.create_client("51900000002", 1, work / "m.db", rec.sink("m"))
    await m.connect()
    await rec.wait("m")
    out("m_send", **await request_error(m.send_text("+51911111111", "hello @51922222222")))
    out("m_logout", **await request_error(m.logout()))
    jid = JID(
        User="51900000002",
        Device=7,
        Server="s.whatsapp.net",
        RawAgent=0,
        Integrator=0,
        IsEmpty=False,
    )
    steps = _steps(jid)
    steps.append(("qr_after_paired", None))
    for name, message in steps:
        seen = len(rec.events["m"])
        if message is None:
            await show_qr(m, "2@late")
        else:
            await dispatch(m, message)
        if name.endswith("_wait"):  # until the reconnect grace has run out
            await rec.wait("m", count=seen + 1, within=3.0)
        out("step", name=name, now=time.time(), events=rec.events["m"][seen:])
    await m.stop()
    await dispatch(m, ConnectedEv(status=True))
    out("done", stats=transport.stats(), tail=len(rec.events["m"]))


async def go_callback(client: NeonizeClient, index: int, text: str) -> None:
    """Call the ctypes callback neonize handed to Go (0: QR, 1: login status), as Go does."""
    callback = client._client._connect_refs[index]
    uuid = ctypes.create_string_buffer(client._uuid.encode())
    data = ctypes.create_string_buffer(text.encode())
    since = len(_HANDLERS)
    await asyncio.to_thread(callback, ctypes.addressof(uuid), ctypes.addressof(data))
    await handlers_done(since)  # the QR's handler; the login status went by call_soon


LOGIN_STATUSES = {
    "timeout": "timeout",
    "outdated": "err-client-outdated",
    "unexpected": "err-unexpected-state",
    "error": "error",
    "other": "err-something-new",
    "success": "success",
}


async def link(work: Path) -> None:
    """Hazard 14: the login statuses and the silence before pairing."""
    rec = Recorder()
    transport = NeonizeTransport(qr_timeout=30, setup_hold=0.5, no_answer_timeout=1.0)
    for i, (label, status) in enumerate(LOGIN_STATUSES.items()):
        client = transport.create_client(
            f"5190000{i:04d}", 1, work / f"{label}.db", rec.sink(label)
        )
        await client.connect()
        await rec.wait(label)  # offline: the DNS failure
        await go_callback(client, 0, "2@code")
        await go_callback(client, 1, status)
        await rec.wait(label, count=3, within=1.0)
        out("link", label=label, running=client in transport._live)
        await client.stop()
    # A store another process holds locked keeps Go in its set-up for 5 s:
    # no QR, no event, no end. The number must not sit in "connecting".
    locked = work / "locked.db"
    seed = transport.create_client("51900000099", 1, locked, rec.sink("seed"))
    await seed.connect()
    await rec.wait("seed")
    await seed.stop()
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sqlite3,sys,time;c=sqlite3.connect(sys.argv[1],isolation_level=None);"
        "c.execute('BEGIN EXCLUSIVE');print('locked',flush=True);time.sleep(30)",
        str(locked),
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    await holder.stdout.readline()
    silent = transport.create_client("51900000098", 1, locked, rec.sink("silent"))
    started = time.monotonic()
    await silent.connect()
    connect_seconds = time.monotonic() - started
    await rec.wait("silent", within=4.0)
    reported = time.monotonic() - started
    await silent.stop()  # while Go still waits on the lock (5 s)
    stats = transport.stats()
    holder.kill()
    await holder.wait()
    out(
        "silent",
        connect_seconds=round(connect_seconds, 3),
        reported_after=round(reported, 3),
        events=rec.events["silent"],
        stats=stats,
    )


SCENARIOS = {
    "offline": offline,
    "many": many,
    "stop": stop,
    "corrupt": corrupt,
    "events": events,
    "link": link,
}

if __name__ == "__main__":
    scenario, workdir = sys.argv[1], Path(sys.argv[2])
    asyncio.run(SCENARIOS[scenario](workdir))
    out("exit")
