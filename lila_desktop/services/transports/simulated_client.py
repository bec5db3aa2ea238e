"""One connection attempt ("generation") of one number on the simulated WhatsApp.

It reports what our neonize adapter reports for the same real events
(NEONIZE_NOTES hazards 9, 14, 17; whatsmeow's `client.go`, `keepalive.go`,
`qrchan.go`, `connectionevents.go`):
- before a device is paired no event reaches us, only the QR channel's last
  word: a ban (402/403) before the first QR is "err-unexpected-state", an
  outdated client "err-client-outdated", an early drop (or a 503, then the
  server's close) "timeout"; a server that never answers, nothing at all:
  our own 30 s bound then fails the attempt;
- a failed first dial is not retried; after a drop of a paired session
  whatsmeow reconnects at once, then after errors x 2 s, without a cap;
- a plain drop (the socket closed: whatsmeow's Disconnected has no code) is
  reported only if whatsmeow's own reconnect has not worked within our grace;
  a stream error with a code is reported at once;
- one missed keep-alive is not a drop: only after 3 minutes without an
  answer (then "keep-alive timeout", 408);
- a device removed while we could not hear it is learnt at the next connect
  (a 401 connect failure: logged out "on connect", the device wiped);
- a send under way runs to its end even when the engine stops waiting.
QR codes rotate like WhatsApp's (60 s, then 20 s each, six codes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from lila_desktop.services import store_schema
from lila_desktop.services.transports.base import EventSink, SendResult, TransportError
from lila_desktop.services.transports.neonize_events import (
    EARLY_DROP_MESSAGE,
    KEEPALIVE_LIMIT,
    LOGIN_STATUS_MESSAGES,
    NO_ANSWER_TIMEOUT,
    RECONNECT_GRACE,
    no_answer_message,
)
from lila_desktop.services.transports.simulated_world import SimWorld

logger = logging.getLogger("lila_desktop.services.transports.simulated")

QR_TIMEOUTS = (60.0, 20.0, 20.0, 20.0, 20.0, 20.0)  # ~160 s in all, as WhatsApp
KEEPALIVE_EVERY = (20.0, 30.0)  # whatsmeow's keep-alive interval, seconds
KEEPALIVE_DEADLINE = 10.0  # its wait for the answer
UNEXPECTED = LOGIN_STATUS_MESSAGES["err-unexpected-state"]


class SimulatedClient:
    """One connection attempt ("generation") of one number."""

    def __init__(
        self,
        world: SimWorld,
        phone: str,
        generation: int,
        store_path: Path,
        sink: EventSink,
    ) -> None:
        self.world = world
        self.phone = phone
        self.generation = generation
        self.store_path = store_path
        self._sink = sink
        self.stopped = False
        self.up = False
        self.waiting_scan: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._errors = 0
        self._answered = False  # anything reported: our no-answer bound is off
        self._ended = False  # whatsmeow expects the disconnect: no auto-reconnect
        self._grace: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._keepalive_task: asyncio.Task[None] | None = None
        self.stall_until = 0.0  # loop time until which keep-alives go unanswered
        self._went_down = asyncio.Event()  # set whenever `up` turns False

    def emit(self, event: str, **fields: Any) -> None:
        if not self.stopped:
            self._answered = True
            self._sink(event, **fields)

    def _spawn(self, coro: Any) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def connect(self) -> None:
        if self._task is not None:
            raise TransportError("connect() called twice on one client")
        self.world.connects += 1
        self._task = asyncio.get_running_loop().create_task(self._run_guarded())
        self._spawn(self._expect_an_answer())

    async def _run_guarded(self) -> None:
        try:
            await self._run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must surface as an event, not vanish
            logger.exception("simulated client %s failed", self.phone)
            self.emit("connect_failure", code=None, message=f"simulator error: {exc}")

    async def _expect_an_answer(self) -> None:
        # Our adapter's bound (hazard 14), on the world's clock.
        wait = max(NO_ANSWER_TIMEOUT * self.world.time_scale, self.world.answer_floor)
        await asyncio.sleep(wait)
        if not self._answered:
            logger.warning("%s: no QR code and no connection", self.phone)
            self.emit("connect_failure", code=None, message=no_answer_message(NO_ANSWER_TIMEOUT))

    async def _run(self) -> None:
        await self.world.sleep(0.05)
        try:
            store_schema.create_store(self.store_path)
        except sqlite3.DatabaseError as exc:
            # As the real adapter (store_problem): only a damaged store is
            # "corrupt"; locked past the busy timeout, disk full or I/O is a
            # failed dial (a locked store was once set aside as corrupt).
            if store_schema.is_damage(exc):
                self.emit("store_corrupt", reason=str(exc))
            else:
                self.emit("connect_failure", code=None, message=f"store: {exc}")
            return
        if not self.world.network_up:
            # neonize's connect task raises; whatsmeow never retries a first dial.
            message = "dial tcp: lookup web.whatsapp.com: no such host"
            self.emit("connect_failure", code=None, message=message)
            return
        if not store_schema.has_device(self.store_path):
            if self._link_refused():
                return
            await self._pairing()
        elif self._login():
            self._set_up()

    def _link_refused(self) -> bool:
        """Before the first QR only the QR channel's last word reaches us (hazard 14)."""
        refusal = self.world.link_refusals.pop(self.phone, None)
        ban = self.world.bans.get(self.phone)
        if refusal is None and ban is not None and ban > time.time():
            refusal = "temp_ban"
        if refusal is None and self.phone in self.world.outdated:
            self.world.outdated.discard(self.phone)
            self.world.told_outdated.add(self.phone)
            self.world.remember()
            refusal = "outdated"
        if refusal is None:
            return False
        logger.info("%s: the link attempt is refused (%s)", self.phone, refusal)
        if refusal in ("temp_ban", "main_device_gone"):  # events the QR channel calls unexpected
            self.emit("connect_failure", code=None, message=UNEXPECTED)
        elif refusal == "outdated":  # "err-client-outdated"
            self.emit("outdated")
        elif refusal in ("unavailable", "dropped"):
            # The server closes the socket (after a 503 whatsmeow expects its own
            # reconnect, so the close is a Disconnected): the QR channel says "timeout".
            self.emit("connect_failure", code=None, message=EARLY_DROP_MESSAGE)
        # "silent": WhatsApp never answers; nothing at all reaches us.
        return True

    def _login(self) -> bool:
        """WhatsApp's answer to a paired store's login; False if it refused."""
        if self.phone in self.world.removed:
            # Removed on the phone while we could not hear it: a 401 connect
            # failure, LoggedOut(OnConnect) and whatsmeow wipes the device (hazard 8).
            self.world.removed.discard(self.phone)
            self.world.remember()
            store_schema.wipe_device(self.store_path)
            self._end("logged_out", code=401, on_connect=True)
            return False
        ban = self.world.bans.get(self.phone)
        if ban is not None and ban > time.time():
            self._end("temp_ban", code=402, expire=ban)
            return False
        if self.phone in self.world.outdated:
            self.world.outdated.discard(self.phone)  # one-shot: "the update" fixes it
            self.world.told_outdated.add(self.phone)
            self.world.remember()
            self._end("outdated")
            return False
        return True

    def _end(self, event: str, **fields: Any) -> None:
        """The server ended the session; whatsmeow expects the close: no reconnect."""
        self._ended = True
        self._socket_gone()
        self.emit(event, **fields)

    def _set_up(self) -> None:
        self.up = True
        self.world.told_outdated.discard(self.phone)  # in: a later 'outdated' is a new one
        self.world.remember()
        self._errors = 0
        grace, self._grace = self._grace, None
        if grace is not None:  # the pool never saw the drop: nothing changed for it
            grace.cancel()
            logger.info("%s: whatsmeow reconnected by itself", self.phone)
            return
        self.emit("connected")

    async def _pairing(self) -> None:
        self.waiting_scan = asyncio.Event()
        for timeout in QR_TIMEOUTS:
            self.emit("qr", code=self.world.qr_code())
            try:
                await asyncio.wait_for(self.waiting_scan.wait(), timeout * self.world.time_scale)
            except TimeoutError:
                continue
            self.waiting_scan = None
            jid = store_schema.add_device(self.store_path, self.phone)
            self.emit("paired", jid=jid)
            await self.world.sleep(0.05)
            self._set_up()
            return
        self.waiting_scan = None
        self.world.aborted_links += 1  # the QR window ran out unpaired (hazard 15)
        # whatsmeow only prints "Login event: timeout"; the engine's own QR
        # timeout reports it. The simulator reports it the same way.
        self.emit("qr_expired")

    def drop(self, code: int | None, reason: str) -> None:
        """A drop reported at once (a stream error with a code, a keep-alive
        timeout); whatsmeow then reconnects on its own. Paired sessions only:
        the chaos campaign aims these at any number."""
        if not self.up:
            return
        self._socket_gone()
        self._errors += 1
        self.emit("disconnected", code=code, reason=reason)
        self._task = self._spawn(self._auto_reconnect())

    def lose_socket(self) -> None:
        """The socket closed (Disconnected, no code): whatsmeow reconnects at
        once; the drop is reported only if that has not worked within our grace."""
        if self._link_lost() or not self.up:
            return
        self._socket_gone()
        self._errors += 1
        self._grace = self._spawn(self._reconnect_grace())
        self._task = self._spawn(self._auto_reconnect())

    def _link_lost(self) -> bool:
        """A drop while a QR shows: whatsmeow never reconnects an unpaired store;
        its QR channel closes with "timeout", which our adapter reads as the
        end of the QR codes (no event reaches us before pairing)."""
        if self.waiting_scan is None or self.stopped or self._ended:
            return False
        self._ended = True
        if self._task is not None:
            self._task.cancel()  # the QR loop: no further code comes
        self.emit("qr_expired")
        return True

    async def _reconnect_grace(self) -> None:
        await self.world.sleep(RECONNECT_GRACE)
        self._grace = None
        if not self.up and not self._ended:
            self.emit("disconnected", code=None, reason="connection lost")

    async def _auto_reconnect(self) -> None:
        # whatsmeow's own loop (hazards 9, 17): at once, then errors x 2 s, no cap.
        # Our pool stops the client on every reported drop.
        while not self.stopped and not self._ended:
            await self.world.sleep(2.0 * (self._errors - 1))
            if self.stopped:
                return
            await self.world.sleep(0.05)
            if not self.world.network_up:  # whatsmeow only logs it, and tries again
                self._errors += 1
                continue
            if self._login():
                self._set_up()
            return

    def stall(self, seconds: float) -> None:
        """Keep-alives go unanswered for `seconds` (world time)."""
        now = asyncio.get_running_loop().time()
        self.stall_until = max(self.stall_until, now + seconds * self.world.time_scale)
        if self._keepalive_task is None or self._keepalive_task.done():
            # No keep-alive has been answered since the last one before now.
            self._keepalive_task = self._spawn(self._keepalive(now))

    async def _keepalive(self, last_success: float) -> None:
        """whatsmeow's keep-alive loop while answers fail (only then: it costs nothing else)."""
        loop = asyncio.get_running_loop()
        scale = self.world.time_scale
        while self.up and not self.stopped:
            await self.world.sleep(self.world.rng.uniform(*KEEPALIVE_EVERY))
            if not self.up or self.stopped:
                return
            if loop.time() >= self.stall_until:
                logger.info("%s: keep-alive restored", self.phone)
                return  # KeepAliveRestored: nothing the pool needs to hear
            await self.world.sleep(KEEPALIVE_DEADLINE)
            if loop.time() - last_success > KEEPALIVE_LIMIT * scale:
                # whatsmeow forces a reconnect; our adapter reports the drop.
                self.drop(408, "keep-alive timeout")
                return
            logger.info("%s: keep-alive missed", self.phone)

    def park(self) -> None:
        """Connection ended by the server with no auto-reconnect."""
        self._ended = True
        self._socket_gone()

    def _socket_gone(self) -> None:
        self.up = False
        self._went_down.set()

    async def stop(self) -> None:
        if not self.stopped and self.waiting_scan is not None:
            # neonize 0.5.2 keeps a worker for good when a QR is stopped (hazard 15).
            self.world.aborted_links += 1
        self.stopped = True
        self._socket_gone()
        tasks = [t for t in {self._task, *self._tasks} if t is not None and not t.done()]
        self._task = self._grace = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.world.clients.get(self.phone) is self:
            del self.world.clients[self.phone]

    async def logout(self) -> None:
        if not self.up:
            raise TransportError("not connected: WhatsApp could not be told", "NOT_CONNECTED")
        # whatsmeow's Logout() emits no event and deletes the device; our
        # adapter reports the end itself.
        store_schema.wipe_device(self.store_path)
        self._end("logged_out", code=401, on_connect=False)

    async def pair_phone(self) -> str:
        if self.waiting_scan is None:
            raise TransportError(
                "no QR is waiting on this number; start linking first", "NOT_PAIRING"
            )
        code = self.world.pair_code()
        self.emit("pair_code", code=code)
        return code

    async def send_text(self, to: str, text: str) -> SendResult:
        if not self.up:
            raise TransportError("this number is not connected", "NOT_CONNECTED")
        if to in self.world.refused:  # WhatsApp's answer for a number without WhatsApp
            raise TransportError(
                f"WhatsApp did not accept the message: {to} is not on WhatsApp", "SEND_FAILED"
            )
        # Like a Go send (hazard 17): once under way it runs to the end even if
        # the engine stops waiting for it, so a timed-out send may still arrive.
        sending = asyncio.ensure_future(self._send(to, text))
        self.world.deliveries.add(sending)
        sending.add_done_callback(self.world.deliveries.discard)
        return await asyncio.shield(sending)

    async def _send(self, to: str, text: str) -> SendResult:
        await self.world.sleep(0.005)
        if self.world.send_delay:
            await asyncio.sleep(self.world.send_delay)  # real seconds: the engine's bound is
        loop = asyncio.get_running_loop()
        while self.up and not self.stopped and (left := self.stall_until - loop.time()) > 0:
            # No answer while stalled: until the stall ends or the socket goes.
            self._went_down.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._went_down.wait(), left)
        if not self.up or self.stopped:  # the socket died under it: WhatsApp never got it
            raise TransportError("the connection dropped during the send", "SEND_FAILED")
        self.world.sent.append((self.phone, to, text))
        result = SendResult(message_id=self.world.message_id(), timestamp=time.time())
        self.world.record_sent(self.phone, to, text, result.message_id)
        # The recipient's phone confirms a moment later, as WhatsApp's receipts do.
        self.world.spawn(self._deliver(result.message_id))
        return result

    async def _deliver(self, message_id: str) -> None:
        await self.world.sleep(0.05)
        if not self.stopped:
            self.emit("receipt", ids=[message_id], kind="delivered")
