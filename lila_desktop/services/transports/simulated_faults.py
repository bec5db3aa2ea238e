"""Fault injection into the simulated WhatsApp (`simulate`, protocol.SIM_EVENTS).

Each fault changes the world (`simulated_world.py`) or one live client
(`simulated_client.py`) the way the real event would, and the client then
reports it as our neonize adapter would report the real one.

`disconnect` without a code is what whatsmeow really sends on a socket close
(a plain Disconnected: whatsmeow reconnects at once, and the pool hears of it
only if that fails within the grace; while a QR shows, the link attempt
ends). With a code it is a stream error reported at once, on a paired session
only; whatsmeow itself handles 503 (as a plain drop) and 515 (its own
reconnect) without telling us, so those two are worst cases kept for the
policy's tests and the chaos campaign. `network_down` compresses time: the
network stays away past whatsmeow's keep-alive limit, so every live
connection reports the 408 at once; `stall` is the same silence in real time.
"""

from __future__ import annotations

import logging
import math
import os
import random
import time
from pathlib import Path
from typing import Any

from lila_desktop.core import events
from lila_desktop.services import store_schema
from lila_desktop.services.transports.base import TransportError
from lila_desktop.services.transports.simulated_world import LINK_REFUSALS, LiveClient, SimWorld

logger = logging.getLogger("lila_desktop.services.transports.simulated")

TRANSIENT_CODES = tuple(sorted(events.TRANSIENT_CODES))
LOGOUT_CODES = tuple(sorted(events.LOGOUT_CODES))
MAX_STALL = 3600.0  # seconds of world time


async def inject(world: SimWorld, phone: str | None, event: str, args: dict[str, Any]) -> None:
    """Inject one fault or a scan; see protocol.SIM_EVENTS."""
    if event == "network_down":
        world.network_up = False
        for live in list(world.clients.values()):
            live.drop(408, "keep-alive timeout (network down)")
        world.on_engine_event("network", up=False)
        return
    if event == "network_up":
        world.network_up = True
        world.on_engine_event("network", up=True)
        return
    if event == "slow_send":  # engine-level only (tests); not in the API's vocabulary
        world.send_delay = float(args.get("seconds", 0.0))
        return
    if event == "engine_crash":
        logger.error("simulated engine crash (a Go panic aborts the process)")
        logging.shutdown()
        os.abort()
    if phone is None:
        raise TransportError(f"'{event}' needs a phone number", "BAD_REQUEST")
    client = world.clients.get(phone)
    if event == "scan":
        if client is None or client.waiting_scan is None:
            raise TransportError("no QR is waiting for a scan on this number", "NOT_PAIRING")
        client.waiting_scan.set()
        return
    if event == "temp_ban":
        seconds = float(args.get("seconds", 60))
        expire = time.time() + seconds
        world.bans[phone] = expire
        world.remember()
        if client is not None and client.up:
            client.park()
            client.emit("temp_ban", code=402, expire=expire)
        return
    if event == "outdated":
        if client is not None and client.up:
            client.park()
            world.told_outdated.add(phone)
            client.emit("outdated")
        elif phone not in world.told_outdated:
            world.outdated.add(phone)
        world.remember()
        return
    if event == "device_removed":
        # Removed on the phone where this session could not hear it (offline, or
        # the stream error lost with the socket): whatsmeow learns it at its next
        # login, a 401 connect failure. A live socket is closed by the server.
        world.removed.add(phone)
        world.remember()
        if client is not None and client.up:
            client.lose_socket()
        return
    if event == "refuse_link":
        reason = args.get("reason")
        if reason not in LINK_REFUSALS:
            raise TransportError(f"refuse_link reason must be one of {LINK_REFUSALS}")
        world.link_refusals[phone] = str(reason)
        return
    if client is None:
        raise TransportError("this number has no live connection to act on", "NOT_RUNNING")
    await _fault(world, client, event, args)


async def _fault(world: SimWorld, client: LiveClient, event: str, args: dict[str, Any]) -> None:
    if event == "disconnect":
        raw = args.get("code")
        if raw is None:
            client.lose_socket()
            return
        code = int(raw)
        if code not in TRANSIENT_CODES:
            raise TransportError(f"disconnect code must be one of {TRANSIENT_CODES}")
        client.drop(code, f"stream error {code}")
    elif event == "stall":
        seconds = float(args.get("seconds", 0))
        if not (0 < seconds <= MAX_STALL) or math.isnan(seconds):
            raise TransportError(f"stall seconds must be above 0 and at most {MAX_STALL:g}")
        if not client.up:
            msg = "this number is not connected: only a live connection can stall"
            raise TransportError(msg, "NOT_RUNNING")
        client.stall(seconds)
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
        world.refused.add(str(args.get("to", "")))
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
