"""The owner's Settings reach what they shape: backups kept, grace period.

Settings go through the start's configuration (`services.config.resolve`)
into `services.runtime.build_pool`, which hands them to the vault and the
pool; a dropped keyword there once survived the whole suite (issue 12). The
quota ledger's wiring is tested with the runtime's other faces.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lila_desktop.core.backup_naming import DEFAULT_KEEP
from lila_desktop.core.settings import Settings
from lila_desktop.services import store_schema
from lila_desktop.services.config import CommandLine, RuntimeConfig, resolve
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.runtime import build_pool
from tests.unit.services.vault_support import PHONE, keystore


def _config(tmp: Path, settings: Settings) -> RuntimeConfig:
    cli = CommandLine(data_dir=tmp / "data", transport="simulated", headless=True, api_port="0")
    return resolve(cli, {}, settings)


async def _backups_kept(pool: SessionPool, taken: int) -> int:
    """Take `taken` distinct backups of a paired store; how many are kept."""
    vault = pool.vault
    await vault.open()
    try:
        live = await vault.prepare_live(PHONE)
        store_schema.make_paired_store(live, PHONE)
        for i in range(taken):
            with sqlite3.connect(live) as conn:
                conn.execute("INSERT INTO whatsmeow_lid_map VALUES (?, ?)", (f"{i}@lid", f"{i}@s"))
            conn.close()
            assert await vault.backup(PHONE, "periodic", connected=False) is not None
        return len(await vault.list_backups(PHONE))
    finally:
        await vault.aclose()


@pytest.mark.asyncio
async def test_keep_backups_from_settings_reaches_the_vault(tmp_path: Path) -> None:
    config = _config(tmp_path, Settings(keep_backups=2))
    pool = build_pool(config, keystore(config.data_dir))
    assert await _backups_kept(pool, 4) == 2


@pytest.mark.asyncio
async def test_the_default_keeps_five_backups(tmp_path: Path) -> None:
    # PRODUCT.md §2: "keep the newest 5 per session"; the settings and the vault agree.
    assert Settings().keep_backups == DEFAULT_KEEP == 5
    config = _config(tmp_path, Settings())
    pool = build_pool(config, keystore(config.data_dir))
    assert await _backups_kept(pool, 7) == 5


def test_grace_period_from_settings_reaches_the_pool(tmp_path: Path) -> None:
    config = _config(tmp_path, Settings(grace_period_minutes=7))
    assert build_pool(config, keystore(config.data_dir)).config.grace_period == 7 * 60
    default = _config(tmp_path, Settings())
    assert build_pool(default, keystore(default.data_dir)).config.grace_period == 2 * 60
