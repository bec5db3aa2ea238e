"""Shared fixtures: a fast policy, a key store for tests that do not mean to
touch the OS keyring, and a real pool on the simulated transport (real engine
process, real SQLite stores, real encryption)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bench.harness.pool import FAST_POLICY, MemoryKeyStore, PoolHarness, build_test_pool

__all__ = ["FAST_POLICY", "MemoryKeyStore", "PoolHarness", "build_test_pool"]

# Simulated WhatsApp at 1/100 of real time: a QR rotation of 60 s takes 0.6 s.
os.environ.setdefault("LILA_SIM_TIME_SCALE", "0.01")


@pytest.fixture
def keystore() -> MemoryKeyStore:
    return MemoryKeyStore()


@pytest_asyncio.fixture
async def harness(tmp_path: Path, keystore: MemoryKeyStore) -> AsyncIterator[PoolHarness]:
    data_dir, runtime_dir = tmp_path / "data", tmp_path / "run"
    pool = build_test_pool(data_dir, runtime_dir, keystore)
    await pool.start()
    try:
        yield PoolHarness(pool, data_dir, runtime_dir)
    finally:
        await asyncio.wait_for(pool.aclose(), 30)
