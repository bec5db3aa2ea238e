"""One neonize 0.5.2 client per generation: our `SessionClient` over `NewAClient`.

Built in `connect()` with every handler registered first and `get_me()` never
called (NEONIZE_NOTES hazard 2); the transport's `GoLock` is held by a connect
until Go is past its set-up and around every stop, send, pairing code and
logout (1, 13); Go's first callbacks and login statuses are watched, and a
silent set-up reported (14); aborted links and parked Go workers are counted
for the engine's recycling (15); a failed first dial is reported
(`connect_failure`, or `store_corrupt`). What neonize's events mean:
`neonize_events.py`; the engine-level side: `neonize_transport.py`.
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import logging
import sys
import time
from pathlib import Path
from typing import Any, Protocol

from neonize.aioze import events as ev
from neonize.aioze.client import NewAClient
from neonize.exc import NeonizeError
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from neonize.utils.enum import ClientName, ClientType
from neonize.utils.jid import Jid2String, build_jid

from lila_desktop.services.transports.base import EventSink, SendResult, TransportError
from lila_desktop.services.transports.go_lock import GoLock
from lila_desktop.services.transports.neonize_events import (
    SessionEvents,
    store_problem,
)

logger = logging.getLogger("lila_desktop.services.transports.neonize_transport")

# Shown on the phone under Linked devices; Chrome is WhatsApp Web's commonest
# browser and keeps the pairing-code client type consistent with it.
_DEVICE_PROPS = DeviceProps(os="Lila Desktop", platformType=DeviceProps.CHROME)
_CLIENT_NAME = ClientName.WINDOWS if sys.platform == "win32" else ClientName.LINUX

_uuid_seq = itertools.count(1)


class NeonizeHost(Protocol):
    """What a client needs of its transport (`NeonizeTransport`)."""

    go: GoLock
    connects: int
    setup_timeouts: int
    aborted_links: int
    lingering: set[Any]
    qr_timeout: float
    pair_wait: float
    setup_hold: float
    no_answer_timeout: float
    reconnect_grace: float
    keepalive_limit: float

    def forget(self, client: Any) -> None: ...


class NeonizeClient(SessionEvents):
    """One connection attempt ("generation") of one number."""

    def __init__(
        self,
        transport: NeonizeHost,
        phone: str,
        generation: int,
        store_path: Path,
        sink: EventSink,
    ) -> None:
        self.transport = transport
        self.phone = phone
        self.generation = generation
        self.store_path = store_path
        self._sink = sink
        self._uuid = f"{phone}-{generation}-{next(_uuid_seq)}"  # unique per process
        self._client: NewAClient | None = None
        self._task: asyncio.Task[Any] | None = None
        self._stopped = False
        self._stop_task: asyncio.Task[None] | None = None
        self._down = False  # a drop or an end was reported; cleared by Connected
        self._keepalive_reported = False
        self._connected = False
        self._paired = False
        self._qr_seen = asyncio.Event()
        self._qr_timer: asyncio.Task[None] | None = None
        self._setup_done = asyncio.Event()  # Go is past Neonize()'s map writes
        self._answered = False  # a QR, a connection or an end was reported
        self._answer_timer: asyncio.Task[None] | None = None
        self._grace_timer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def connect(self) -> None:
        if self._client is not None or self._stopped:
            raise TransportError("a client connects once, and never after stop()", "BAD_REQUEST")
        if not self.store_path.parent.is_dir():
            msg = f"the session folder {self.store_path.parent} does not exist; create it first"
            raise TransportError(msg, "BAD_REQUEST")
        client = NewAClient(str(self.store_path), props=_DEVICE_PROPS, uuid=self._uuid)
        self._loop = asyncio.get_running_loop()
        self._hook_go_callbacks(client)
        # All handlers before connect(): neonize subscribes Go to exactly these.
        client.event.qr(self._guard(self._on_qr))
        for event_type, handler in (
            (ev.PairStatusEv, self._on_pair_status),
            (ev.ConnectedEv, self._on_connected),
            (ev.DisconnectedEv, self._on_disconnected),
            (ev.KeepAliveTimeoutEv, self._on_keepalive_timeout),
            (ev.KeepAliveRestoredEv, self._on_keepalive_restored),
            (ev.StreamReplacedEv, lambda _event: self._end("replaced")),
            (ev.TemporaryBanEv, self._on_temporary_ban),
            (ev.LoggedOutEv, self._on_logged_out),
            (ev.ClientOutdatedEv, lambda _event: self._end("outdated")),
            (ev.ConnectFailureEv, self._on_connect_failure),
            (ev.StreamErrorEv, self._on_stream_error),
            (ev.ReceiptEv, self._on_receipt),
        ):
            client.event(event_type)(self._guard(handler))
        self._client = client
        self._answer_timer = self._loop.create_task(self._expect_an_answer())
        go = self.transport.go
        async with go.exclusive():
            self.transport.connects += 1
            self._task = await client.connect()
            self._task.add_done_callback(self._on_session_end)
            self._task.add_done_callback(self._task_ended)
            # connect() only created the task: Go's set-up writes the shared maps
            # from now on (hazard 13). Keep everyone out until it shows progress.
            try:
                await asyncio.wait_for(self._setup_done.wait(), self.transport.setup_hold)
            except TimeoutError:
                self.transport.setup_timeouts += 1
                logger.info(
                    "%s: no word from Go after %g s of set-up",
                    self.phone,
                    self.transport.setup_hold,
                )

    def _hook_go_callbacks(self, client: NewAClient) -> None:
        """See Go's first callbacks: the set-up is over, or the link ended (hazard 14)."""
        execute = client.event.execute

        def execute_and_note(uuid: int, binary: int, size: int, code: int) -> Any:
            self._from_go(self._setup_done.set)
            return execute(uuid, binary, size, code)

        def login_status(_uuid: int, status: int | None) -> None:
            text = ctypes.string_at(status).decode("utf-8", "replace") if status else ""
            self._from_go(lambda: self._on_login_status(text))

        client.event.execute = execute_and_note
        # neonize's own handler of the login status is empty; the attribute is
        # read (name-mangled) when connect() builds the Go callbacks.
        client._NewAClient__onLoginStatus = login_status

    async def stop(self) -> None:
        """End this client for good; idempotent, and silent from the first call."""
        self._stopped = True
        if self._stop_task is None:
            self._stop_task = asyncio.get_running_loop().create_task(self._shutdown())
        # shield: an engine timeout must not abandon the Go Stop half-way.
        await asyncio.shield(self._stop_task)

    async def _shutdown(self) -> None:
        self._cancel_qr_timer()
        self._cancel_grace()
        timer, self._answer_timer = self._answer_timer, None
        if timer is not None:
            timer.cancel()
        self.transport.forget(self)
        client = self._client
        if client is None:
            return
        if self._qr_seen.is_set() and not self._paired:
            # Hazard 15: a link attempt ended unpaired; Go may keep its worker.
            self.transport.aborted_links += 1
        try:
            async with self.transport.go.exclusive():
                await client.stop()
        except Exception:
            logger.exception("stopping the client of %s failed", self.phone)
        if self._task is not None and not self._task.done():
            # Until Go returns, its worker thread is parked; the engine's
            # owner recycles the engine when too many stay parked.
            self.transport.lingering.add(self)
        # neonize's finalizer would call Go Stop again at garbage collection,
        # from any thread and outside our lock (hazard 1): we already did.
        finalizer = getattr(client, "_stop_finalizer", None)
        if finalizer is not None:
            finalizer.detach()
        # The connect task is never cancelled: neonize reacts with a second,
        # unserialized Go Stop. Go ends it once the session is stopped.

    def _on_session_end(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None or self._stopped:
            logger.info("the session of %s ended (%s)", self.phone, exc or "stopped")
            return
        message = str(exc) or type(exc).__name__
        reason = store_problem(message)
        if reason is not None:
            logger.warning("the session store of %s cannot be used: %s", self.phone, reason)
            self._end("store_corrupt", reason=reason)
        else:
            logger.info("connect of %s failed: %s", self.phone, message)
            self._end("connect_failure", code=None, message=message)

    def _live_client(self) -> NewAClient:
        if self._client is None or self._stopped:
            raise TransportError("this number is not running", "NOT_RUNNING")
        return self._client

    async def logout(self) -> None:
        client = self._live_client()
        try:
            await self.transport.go.call(client.logout())
        except NeonizeError as exc:
            msg = f"WhatsApp could not be told to log out ({exc}); check the connection and retry"
            # Same code as the simulator when no connection was ever up (conformance).
            raise TransportError(
                msg, "LOGOUT_FAILED" if self._connected else "NOT_CONNECTED"
            ) from None
        # whatsmeow emits nothing for a logout it was asked for; it has
        # already deleted the device from the store.
        self._end("logged_out", code=401, on_connect=False)

    async def pair_phone(self) -> str:
        """Request an 8-character pairing code, once the socket is up."""
        client = self._live_client()
        if self._paired or self._connected:
            raise TransportError("this number is already linked", "NOT_PAIRING")
        if not await self._socket_up():
            msg = "WhatsApp has not answered yet; check the connection and try again"
            raise TransportError(msg, "NOT_PAIRING")
        client = self._live_client()  # the QR may have expired meanwhile
        try:
            code = str(
                await self.transport.go.call(
                    client.PairPhone(
                        self.phone, True, client_name=_CLIENT_NAME, client_type=ClientType.CHROME
                    )
                )
            )
        except NeonizeError as exc:
            msg = f"WhatsApp refused a pairing code ({exc}); scan the QR code instead"
            raise TransportError(msg, "PAIR_FAILED") from None
        self._emit("pair_code", code=code)
        return code

    async def _socket_up(self) -> bool:
        """Wait for the first QR (the socket is up), unless the attempt ended first."""
        task = self._task
        if self._qr_seen.is_set():
            return True
        if task is None or task.done():
            return False  # Go returned: no QR can come from this attempt
        waiter = asyncio.ensure_future(self._qr_seen.wait())
        try:
            await asyncio.wait(
                {waiter, task},
                timeout=self.transport.pair_wait,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            waiter.cancel()
        return self._qr_seen.is_set()

    async def send_text(self, to: str, text: str) -> SendResult:
        client = self._live_client()
        user, _, server = to.strip().removeprefix("+").partition("@")
        if not user:
            raise TransportError(f"no recipient in {to!r}", "BAD_REQUEST")
        jid = build_jid(user, server or "s.whatsapp.net")
        try:
            # A plain Message: neonize's str path looks up groups and mentions
            # (network calls) for any "@digits" in the text.
            sent = await self.transport.go.call(
                client.send_message(jid, Message(conversation=text))
            )
        except NeonizeError as exc:
            if not self._connected:  # Go was asked anyway: its answer is the reason
                msg = f"this number is not connected to WhatsApp ({exc}); wait until it is"
                raise TransportError(msg, "NOT_CONNECTED") from None
            msg = f"WhatsApp did not accept the message: {exc}"
            raise TransportError(msg, "SEND_FAILED") from None
        return SendResult(message_id=str(sent.ID), timestamp=float(sent.Timestamp or time.time()))

    def _guard(self, handler: Any) -> Any:
        # neonize wants coroutines, runs them via run_coroutine_threadsafe and
        # never looks at the result: an exception would vanish without a trace.
        async def guarded(_client: Any, payload: Any) -> None:
            if self._stopped:
                return
            try:
                handler(payload)
            except Exception:
                logger.exception("handling a neonize event of %s failed", self.phone)

        return guarded

    def _on_qr(self, data: bytes) -> None:
        if self._paired:
            return
        self._qr_seen.set()
        self._setup_done.set()
        self._answered = True
        if self._qr_timer is None:
            self._qr_timer = asyncio.get_running_loop().create_task(self._expire_qr())
        self._emit("qr", code=data.decode("utf-8", "replace"))

    def _on_pair_status(self, event: Any) -> None:
        if event.Status == ev.PairStatusEv.SUCCESS:
            self._paired = True
            self._cancel_qr_timer()
            self._emit("paired", jid=Jid2String(event.ID))
        else:
            # The phone scanned but linking failed; a fresh attempt gets a new QR.
            self._end("connect_failure", code=None, message=f"pairing failed: {event.Error}")

    def _on_receipt(self, event: Any) -> None:
        # Only the recipient's receipts for what we sent: delivered, read.
        kind = _RECEIPT_KINDS.get(int(event.Type))
        if kind is not None and event.MessageIDs:
            self._emit("receipt", ids=[str(i) for i in event.MessageIDs], kind=kind)


_RECEIPT_KINDS = {ev.ReceiptEv.DELIVERED: "delivered", ev.ReceiptEv.READ: "read"}
