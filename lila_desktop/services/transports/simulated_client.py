"""One connection attempt ("generation") of one number on the simulated WhatsApp.

It mimics whatsmeow (and our neonize adapter on top of it) where that matters
to us: a failed first dial is not retried, a drop is followed by whatsmeow's
own auto-reconnect (errors x 2 s) unless the client is stopped, QR codes
rotate like WhatsApp's (60 s, then 20 s each, six codes), and a logout wipes
the device from the store.
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
from lila_desktop.services.transports.simulated_world import SimWorld

logger = logging.getLogger("lila_desktop.services.transports.simulated")

QR_TIMEOUTS = (60.0, 20.0, 20.0, 20.0, 20.0, 20.0)  # ~160 s in all, as WhatsApp


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

    def emit(self, event: str, **fields: Any) -> None:
        if not self.stopped:
            self._sink(event, **fields)

    async def connect(self) -> None:
        if self._task is not None:
            raise TransportError("connect() called twice on one client")
        self.world.connects += 1
        self._task = asyncio.get_running_loop().create_task(self._run_guarded())

    async def _run_guarded(self) -> None:
        try:
            await self._run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must surface as an event, not vanish
            logger.exception("simulated client %s failed", self.phone)
            self.emit("connect_failure", code=None, message=f"simulator error: {exc}")

    async def _dial(self) -> bool:
        """Open the store and the 'socket'; report failures like neonize does."""
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
            return False
        if not self.world.network_up:
            self.emit(
                "connect_failure",
                code=None,
                message="dial tcp: lookup web.whatsapp.com: no such host",
            )
            return False
        ban = self.world.bans.get(self.phone)
        if ban is not None and ban > time.time():
            self.emit("temp_ban", code=402, expire=ban)
            return False
        if self.phone in self.world.outdated:
            self.world.outdated.discard(self.phone)  # one-shot: "the update" fixes it
            self.emit("outdated")
            return False
        return True

    async def _run(self) -> None:
        if not await self._dial():
            return
        if store_schema.has_device(self.store_path):
            self._set_up()
            return
        await self._pairing()

    def _set_up(self) -> None:
        self.up = True
        self._errors = 0
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
        """The connection fails; whatsmeow then reconnects on its own."""
        if not self.up:
            return
        self.up = False
        self._errors += 1
        self.emit("disconnected", code=code, reason=reason)
        self._task = asyncio.get_running_loop().create_task(self._auto_reconnect())

    async def _auto_reconnect(self) -> None:
        # whatsmeow's own loop (hazards 9, 17): at once, then errors x 2 s, no cap.
        # Our pool stops the client on every drop: this runs only if it forgets to.
        await self.world.sleep(2.0 * (self._errors - 1))
        if not self.stopped and await self._dial():
            self._set_up()

    def park(self) -> None:
        """Connection ended by the server with no auto-reconnect."""
        self.up = False

    async def stop(self) -> None:
        if not self.stopped and self.waiting_scan is not None:
            # neonize 0.5.2 keeps a worker for good when a QR is stopped (hazard 15).
            self.world.aborted_links += 1
        self.stopped = True
        self.up = False
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.world.clients.get(self.phone) is self:
            del self.world.clients[self.phone]

    async def logout(self) -> None:
        if not self.up:
            raise TransportError("not connected: WhatsApp could not be told", "NOT_CONNECTED")
        store_schema.wipe_device(self.store_path)
        self.up = False
        self.emit("logged_out", code=401, on_connect=False)

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
