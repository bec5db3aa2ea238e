"""A deterministic, in-process stand-in for WhatsApp, with fault injection.

It runs inside the engine process exactly where neonize would, writes real
whatsmeow-schema SQLite stores (so the vault and backups work on the same
code path), rotates QR codes like WhatsApp (60 s, then 20 s each, six codes),
and injects every failure of the policy table on command (`simulate`).
It mimics whatsmeow where that matters to us: a failed first dial is not
retried, a drop is followed by whatsmeow's own auto-reconnect (errors × 2 s)
unless the client is stopped, and a logout wipes the device from the store.

Time runs `LILA_SIM_TIME_SCALE` times real time (tests use a small scale so a
QR expires in a fraction of a second); codes come from a seeded RNG
(`LILA_SIM_SEED`), so runs are reproducible.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lila_desktop.core import events
from lila_desktop.services import store_schema
from lila_desktop.services.transports.base import EventSink, SendResult, TransportError

logger = logging.getLogger(__name__)

QR_TIMEOUTS = (60.0, 20.0, 20.0, 20.0, 20.0, 20.0)  # ~160 s in all, as WhatsApp
TRANSIENT_CODES = tuple(sorted(events.TRANSIENT_CODES))
LOGOUT_CODES = tuple(sorted(events.LOGOUT_CODES))


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


class SimulatedClient:
    """One connection attempt ("generation") of one number."""

    def __init__(
        self,
        world: SimulatedTransport,
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
        task = asyncio.get_running_loop().create_task(self._deliver(result.message_id))
        self.world.background.add(task)
        task.add_done_callback(self.world.background.discard)
        return result

    async def _deliver(self, message_id: str) -> None:
        await self.world.sleep(0.05)
        if not self.stopped:
            self.emit("receipt", ids=[message_id], kind="delivered")


class SimulatedTransport:
    name = "simulated"

    def __init__(self, *, time_scale: float = 1.0, seed: int = 1) -> None:
        self.time_scale = time_scale
        self.rng = random.Random(seed)
        self.network_up = True
        self.bans: dict[str, float] = {}
        self.outdated: set[str] = set()
        self.clients: dict[str, SimulatedClient] = {}
        self.connects = 0
        self.aborted_links = 0
        self.sent: list[tuple[str, str, str]] = []
        self.send_delay = 0.0  # "slow_send": WhatsApp confirms sends this late
        self.deliveries: set[asyncio.Future[SendResult]] = set()
        # Tests only: every send also appended (fsync) to this file, so a test can
        # count what "WhatsApp" got across kills of the app.
        self.sent_log = os.environ.get("LILA_SIM_SENT_LOG") or None
        self.background: set[asyncio.Task[None]] = set()
        self.refused: set[str] = set()  # recipients WhatsApp refuses (simulate "refuse")
        # The engine subscribes to engine-wide events (network up/down).
        self.on_engine_event: Callable[..., None] = lambda event, **fields: None

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self.time_scale)

    def qr_code(self) -> str:
        # Same shape as WhatsApp's: ref,noise-key,identity-key,adv-secret.
        parts = [base64.b64encode(self.rng.randbytes(n)).decode() for n in (36, 32, 32, 32)]
        return "2@" + ",".join(parts)

    def pair_code(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTVWXYZ123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(8))

    def message_id(self) -> str:
        return "3EB0" + self.rng.randbytes(8).hex().upper()

    def record_sent(self, phone: str, to: str, text: str, message_id: str) -> None:
        if self.sent_log is None:
            return
        line = json.dumps({"phone": phone, "to": to, "text": text, "id": message_id})
        with open(self.sent_log, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def create_client(
        self, phone: str, generation: int, store_path: Path, sink: EventSink
    ) -> SimulatedClient:
        client = SimulatedClient(self, phone, generation, store_path, sink)
        self.clients[phone] = client
        return client

    def stats(self) -> dict[str, Any]:
        return {
            "connects": self.connects,
            "clients": len(self.clients),
            "aborted_links": self.aborted_links,
        }

    async def aclose(self) -> None:
        for client in list(self.clients.values()):
            await client.stop()

    async def simulate(self, phone: str | None, event: str, args: dict[str, Any]) -> None:
        """Inject one fault or a scan; see protocol.SIM_EVENTS."""
        if event == "network_down":
            self.network_up = False
            for live in list(self.clients.values()):
                live.drop(408, "keep-alive timeout (network down)")
            self.on_engine_event("network", up=False)
            return
        if event == "network_up":
            self.network_up = True
            self.on_engine_event("network", up=True)
            return
        if event == "slow_send":  # engine-level only (tests); not in the API's vocabulary
            self.send_delay = float(args.get("seconds", 0.0))
            return
        if event == "engine_crash":
            logger.error("simulated engine crash (a Go panic aborts the process)")
            logging.shutdown()
            os.abort()
        if phone is None:
            raise TransportError(f"'{event}' needs a phone number", "BAD_REQUEST")
        client = self.clients.get(phone)
        if event == "scan":
            if client is None or client.waiting_scan is None:
                raise TransportError("no QR is waiting for a scan on this number", "NOT_PAIRING")
            client.waiting_scan.set()
            return
        if event == "temp_ban":
            seconds = float(args.get("seconds", 60))
            expire = time.time() + seconds
            self.bans[phone] = expire
            if client is not None and client.up:
                client.park()
                client.emit("temp_ban", code=402, expire=expire)
            return
        if event == "outdated":
            self.outdated.add(phone)
            if client is not None and client.up:
                client.park()
                self.outdated.discard(phone)
                client.emit("outdated")
            return
        if client is None:
            raise TransportError("this number has no live connection to act on", "NOT_RUNNING")
        await self._fault(client, event, args)

    async def _fault(self, client: SimulatedClient, event: str, args: dict[str, Any]) -> None:
        if event == "disconnect":
            code = int(args.get("code", 408))
            if code not in TRANSIENT_CODES:
                raise TransportError(f"disconnect code must be one of {TRANSIENT_CODES}")
            client.drop(code, f"stream error {code}")
        elif event == "replaced":
            client.park()
            client.emit("replaced")
        elif event == "logout":
            code = int(args.get("code", 401))
            if code not in LOGOUT_CODES:
                raise TransportError(f"logout code must be one of {LOGOUT_CODES}")
            # whatsmeow deletes the device from its store itself (hazard 8).
            store_schema.wipe_device(client.store_path)
            client.park()
            client.emit("logged_out", code=code, on_connect=False)
        elif event == "refuse":
            self.refused.add(str(args.get("to", "")))
        elif event == "receipt":
            kind = str(args.get("kind", "read"))
            if kind not in ("delivered", "read"):
                raise TransportError("receipt kind must be 'delivered' or 'read'", "BAD_REQUEST")
            client.emit("receipt", ids=[str(i) for i in args.get("ids", [])], kind=kind)
        elif event == "corrupt_store":
            _scribble(client.store_path)
            client.park()
            client.emit("store_corrupt", reason="database disk image is malformed")
        else:
            raise TransportError(f"unknown simulated event {event!r}", "BAD_REQUEST")


def _scribble(path: Path) -> None:
    """Overwrite the store with garbage of the same size, as a bad disk would."""
    size = max(path.stat().st_size if path.exists() else 0, 4096)
    with open(path, "r+b" if path.exists() else "wb") as fh:
        fh.write(random.Random(size).randbytes(size))
        fh.flush()
        os.fsync(fh.fileno())


def create_transport() -> SimulatedTransport:
    return SimulatedTransport(
        time_scale=_env_float("LILA_SIM_TIME_SCALE", 1.0),
        seed=int(os.environ.get("LILA_SIM_SEED", "1")),
    )
