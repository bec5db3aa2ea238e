"""A real pool on the simulated transport for tests and benchmarks (real engine
process, real SQLite stores, real encryption), and a key store in memory for
those that are not about the OS keyring. Shared by tests/conftest.py and
bench/ (bench imports nothing from tests)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from lila_desktop.core.backoff import Backoff
from lila_desktop.core.policy import PolicyConfig
from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.services.engine.client import EngineClient
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.vault import SessionVault

# Simulated WhatsApp at 1/100 of real time (a QR rotation of 60 s takes 0.6 s),
# for every engine these pools start, unless the caller chose a scale.
os.environ.setdefault("LILA_SIM_TIME_SCALE", "0.01")

FAST_POLICY = PolicyConfig(
    backoff=Backoff(base=0.05, cap=0.4),
    grace_period=0.6,
    stable_after=0.5,
    replaced_retry_delay=0.3,
    loop_window=5.0,
)


class MemoryKeyStore:
    """A KeyStore that keeps the key in memory: for tests that are not about
    the OS keyring (those use the real one, see test_keyring_real.py)."""

    kind = "memory"
    description = "memory (tests)"

    def __init__(self) -> None:
        self.key: bytes | None = None

    def load_key(self) -> bytes | None:
        return self.key

    def create_key(self) -> bytes:
        self.key = secrets.token_bytes(32)
        return self.key


class PoolHarness:
    """A started pool plus what it told its observers."""

    def __init__(self, pool: SessionPool, data_dir: Path, runtime_dir: Path) -> None:
        self.pool = pool
        self.data_dir = data_dir
        self.runtime_dir = runtime_dir
        self.history: list[SessionSnapshot] = []
        self.notices: list[Notice] = []
        pool.subscribe(self.history.append)
        pool.subscribe_notices(self.notices.append)

    def statuses(self, phone: str) -> list[str]:
        out: list[str] = []
        for snap in self.history:
            if snap.phone == phone and (not out or out[-1] != snap.status.value):
                out.append(snap.status.value)
        return out

    async def wait(
        self, phone: str, predicate: Callable[[SessionSnapshot], bool], timeout: float = 10.0
    ) -> SessionSnapshot:
        return await self.pool.wait_for(phone, predicate, timeout)

    async def wait_status(self, phone: str, status: str, timeout: float = 10.0) -> SessionSnapshot:
        return await self.wait(phone, lambda s: s.status.value == status, timeout)

    async def notice_kinds(self, count: int, timeout: float = 5.0) -> list[str]:
        """The kinds of the notices once `count` have arrived (they follow the
        status change that caused them: actions run after the publish)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.notices) < count and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)
        return [n.kind.value for n in self.notices]

    async def link(self, phone: str) -> SessionSnapshot:
        """Add a number and pair it by a simulated scan; returns once connected."""
        await self.pool.add(phone)
        await self.wait(phone, lambda s: s.qr is not None)
        await self.pool.simulate(phone, "scan", {})
        return await self.wait(phone, lambda s: s.is_connected and s.last_backup_at is not None)


def build_test_pool(
    data_dir: Path, runtime_dir: Path, keystore: MemoryKeyStore, config: PolicyConfig = FAST_POLICY
) -> SessionPool:
    vault = SessionVault(data_dir, runtime_dir, keystore)
    pool: SessionPool
    engine = EngineClient(
        "simulated",
        on_event=lambda m: pool.on_engine_event(m),
        on_died=lambda r: pool.on_engine_died(r),
        sim_state=runtime_dir / "sim-server.json",
    )
    pool = SessionPool(
        engine=engine,
        vault=vault,
        registry=SessionRegistry(data_dir / "sessions.json"),
        config=config,
    )
    return pool
