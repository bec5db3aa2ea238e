"""The app, cut down to what a send touches, for the outbox's kill -9 campaign.

    python -m tests.unit.services.outbox_crash_child DATA_DIR accept N
    python -m tests.unit.services.outbox_crash_child DATA_DIR drain

Real pool (engine process with the simulated WhatsApp, vault, registry), real
SQLite quota ledger, real outbox, exactly as the app wires them; no pacing.
The simulated WhatsApp appends each send to LILA_SIM_SENT_LOG. `accept`
links the number on the first run and queues N messages during an outage
(keys k0..k{N-1}); `drain` reconnects and prints `ready` once the number is
connected (the outbox is sending), then `drained` when nothing is queued. The test kills it with
SIGKILL at random moments in between.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lila_desktop.core.backoff import Backoff
from lila_desktop.core.outbox import RESERVATION_TTL
from lila_desktop.core.policy import PolicyConfig
from lila_desktop.core.settings import Settings
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.outbox.wiring import start_outbox
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.quota.sqlite_ledger import SqliteLedger
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import PassphraseKeyStore, SessionVault

PHONE = "51902049935"
TO = "51987654321"
LIMIT = 100_000


# As tests/conftest.py's FAST_POLICY (not imported: pytest is slow to load).
POLICY = PolicyConfig(
    backoff=Backoff(base=0.05, cap=0.4),
    grace_period=0.6,
    stable_after=0.5,
    replaced_retry_delay=0.3,
    loop_window=5.0,
)


def build_pool(data_dir: Path, keystore: PassphraseKeyStore) -> SessionPool:
    pool: SessionPool
    engine = EngineClient(
        "simulated",
        on_event=lambda m: pool.on_engine_event(m),
        on_died=lambda r: pool.on_engine_died(r),
    )
    vault = SessionVault(data_dir, data_dir.parent / "run", keystore)
    registry = SessionRegistry(data_dir / "sessions.json")
    pool = SessionPool(engine=engine, vault=vault, registry=registry, config=POLICY)
    return pool


def say(word: str) -> None:
    print(word, flush=True)


async def main(data_dir: Path, phase: str, count: int) -> int:
    keystore = PassphraseKeyStore(data_dir, "crash campaign, not a secret", scrypt_n=2**4)
    pool = build_pool(data_dir, keystore)
    await pool.start()
    ledger = SqliteLedger(data_dir / "quota.sqlite3", limit=LIMIT, reservation_ttl=RESERVATION_TTL)
    try:
        if phase == "accept":
            await pool.add(PHONE)
            await pool.wait_for(PHONE, lambda s: s.qr is not None, 30)
            await pool.simulate(PHONE, "scan", {})
            await pool.wait_for(PHONE, lambda s: s.is_connected, 30)
            await pool.simulate(None, "network_down", {})
            await pool.wait_for(PHONE, lambda s: not s.is_connected, 30)
        running = await start_outbox(pool, ledger, data_dir, Settings(send_interval_seconds=0))
        outbox = running.outbox
        try:
            if phase == "accept":
                for i in range(count):
                    await outbox.accept(PHONE, TO, f"m{i}", key=f"k{i}")
                say("accepted")
                return 0
            await pool.wait_for(PHONE, lambda s: s.is_connected, 30)
            say("ready")  # connected: the outbox is draining now
            while (await outbox.summarize(PHONE)).counts["queued"]:
                await asyncio.sleep(0.05)
            say("drained")
            return 0
        finally:
            await running.aclose()
    finally:
        await pool.aclose()
        await ledger.aclose()


if __name__ == "__main__":
    target, step = Path(sys.argv[1]), sys.argv[2]
    sys.exit(asyncio.run(main(target, step, int(sys.argv[3]) if len(sys.argv) > 3 else 0)))
