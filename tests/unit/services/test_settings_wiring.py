"""The owner's Settings reach what they shape: backups kept, grace period.

Settings go through the start's configuration (`services.config.resolve`)
into `services.runtime.build_pool`, which hands them to the vault and the
pool; a dropped keyword there once survived the whole suite (issue 12). The
quota ledger's wiring is tested with the runtime's other faces.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from lila_desktop.core.backup_naming import DEFAULT_KEEP
from lila_desktop.core.policy import DEFAULT_CONFIG
from lila_desktop.core.settings import Settings
from lila_desktop.services import store_schema
from lila_desktop.services.config import PASSPHRASE_ENV, CommandLine, RuntimeConfig, resolve
from lila_desktop.services.pool import SessionPool
from lila_desktop.services.runtime import build_pool, keystore_for
from lila_desktop.services.vault import default_runtime_dir
from lila_desktop.services.vault.keystores import KeyringKeyStore, PassphraseKeyStore
from lila_desktop.services.vault.layout import Layout
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


def test_the_pool_is_built_on_the_data_folder_and_the_chosen_transport(tmp_path: Path) -> None:
    config = _config(tmp_path, Settings(bot_label=True))
    pool = build_pool(config, keystore(config.data_dir))
    assert pool.registry.path == config.data_dir / "sessions.json"
    assert pool.vault._layout == Layout(config.data_dir, default_runtime_dir(config.data_dir))
    assert pool.engine.transport == "simulated" and pool.engine.bot_label is True
    assert (
        build_pool(_config(tmp_path, Settings()), keystore(config.data_dir)).engine.bot_label
        is False
    )
    # Only the grace period comes from Settings; the rest of the policy is the product's.
    assert pool.config == replace(DEFAULT_CONFIG, grace_period=pool.config.grace_period)


def test_the_engines_events_and_death_reach_the_pool_it_was_built_for(tmp_path: Path) -> None:
    config = _config(tmp_path, Settings())
    pool = build_pool(config, keystore(config.data_dir))
    heard: list[object] = []
    pool.on_engine_event = heard.append  # type: ignore[method-assign]
    pool.on_engine_died = heard.append  # type: ignore[method-assign]
    message = {"ev": "state", "phone": PHONE}
    pool.engine._on_event(message)
    pool.engine._on_died("exit code -9")
    assert heard == [message, "exit code -9"]


def test_the_vault_key_store_follows_the_resolved_passphrase_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = CommandLine(data_dir=tmp_path / "data", transport="simulated", headless=True)
    with_passphrase = resolve(cli, {PASSPHRASE_ENV: "correct horse"}, Settings())
    assert isinstance(keystore_for(with_passphrase), PassphraseKeyStore)
    # The process environment was read once, by resolve(): a passphrase set
    # there later does not reach the vault.
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse")
    assert isinstance(keystore_for(resolve(cli, {}, Settings())), KeyringKeyStore)
