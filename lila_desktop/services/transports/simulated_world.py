"""The simulated WhatsApp's shared state: the network, bans, clients, counters.

One `SimWorld` per engine process (the `SimulatedTransport` is one); its
clients (`simulated_client.py`) read it, the faults (`simulated_faults.py`)
change it. Time runs `time_scale` times real time; codes come from a seeded
RNG, so runs are reproducible. What WhatsApp's servers know of a number (bans,
'outdated' told, devices removed) is kept in the file `LILA_SIM_STATE` names, so
it outlives an engine crash or recycle within one life of the app.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from lila_desktop.services.transports.base import SendResult

# refuse_link: how WhatsApp turns away the next link attempt, before its first QR
# (402 temporary ban, 403 main device gone, 405 outdated, 503 then a close, the
# socket closed, or no answer at all).
LINK_REFUSALS = ("temp_ban", "main_device_gone", "outdated", "unavailable", "dropped", "silent")
# Where the app keeps what WhatsApp's servers know about our numbers, so that it
# outlives an engine crash or recycle as WhatsApp's servers do (set by EngineClient).
SIM_STATE_VAR = "LILA_SIM_STATE"

logger = logging.getLogger(__name__)


def env_float(name: str, default: float) -> float:
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


class LiveClient(Protocol):
    """What the world and its faults see of a client (`SimulatedClient`)."""

    phone: str
    store_path: Path
    up: bool
    waiting_scan: asyncio.Event | None

    def emit(self, event: str, **fields: Any) -> None: ...

    def drop(self, code: int | None, reason: str) -> None: ...

    def lose_socket(self) -> None: ...

    def stall(self, seconds: float) -> None: ...

    def park(self) -> None: ...

    async def stop(self) -> None: ...


class SimWorld:
    def __init__(self, *, time_scale: float = 1.0, seed: int = 1) -> None:
        self.time_scale = time_scale
        # Our no-answer bound runs on the world's clock, but never shorter than
        # this (real seconds): a busy machine is not a silent WhatsApp.
        self.answer_floor = 2.0
        self.rng = random.Random(seed)
        self.network_up = True
        self.bans: dict[str, float] = {}
        self.outdated: set[str] = set()  # the next login is refused: 405 client outdated
        # Refused as outdated and not logged in since: another 'outdated' is the same
        # one (the owner's next start is the update that fixes both).
        self.told_outdated: set[str] = set()
        self.removed: set[str] = set()  # devices removed on the phone, learnt at next login
        self.link_refusals: dict[str, str] = {}  # the next link attempt's refusal, one-shot
        self.clients: dict[str, LiveClient] = {}
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
        state = os.environ.get(SIM_STATE_VAR)
        self.state_path = Path(state) if state else None
        self._saved = self._server_facts()
        self._load()

    # --- what WhatsApp's servers remember across our engine's lives ------------

    def _server_facts(self) -> dict[str, Any]:
        return {
            "bans": dict(sorted(self.bans.items())),
            "outdated": sorted(self.outdated),
            "told_outdated": sorted(self.told_outdated),
            "removed": sorted(self.removed),
        }

    def _load(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            facts = json.loads(self.state_path.read_text(encoding="utf-8"))
            self.bans = {str(k): float(v) for k, v in facts["bans"].items()}
            self.outdated = {str(x) for x in facts["outdated"]}
            self.told_outdated = {str(x) for x in facts["told_outdated"]}
            self.removed = {str(x) for x in facts["removed"]}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Written atomically, so only a hand edit gets here: start afresh, loudly.
            logger.error(
                "simulated server state %s unreadable (%s); starting afresh", self.state_path, exc
            )
            return
        self._saved = self._server_facts()
        logger.info("simulated server state carried over: %s", self._saved)

    def remember(self) -> None:
        """Write the server's facts if they changed (temp file, then os.replace:
        a crash mid-write leaves the last whole version). No fsync: the file lives
        for one life of the app, which a power cut ends anyway."""
        facts = self._server_facts()
        if self.state_path is None or facts == self._saved:
            return
        self.state_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(json.dumps(facts), encoding="utf-8")
        os.replace(tmp, self.state_path)
        self._saved = facts

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

    def spawn(self, coro: Any) -> asyncio.Task[None]:
        """A background task the world keeps a reference to until it ends."""
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task
