"""No number ever disappears from the list; settings that cannot be read fall back with care.

A real pool links three numbers (one named, one logged out so that only its
backups remain, one unnamed) and closes. Then `sessions.json` or
`settings.json` is damaged in every way we know (torn, empty, garbage, a
wrong shape, deleted, unreadable, its last-good copy damaged too): every
number whose sealed store or backups exist comes back, named when a good
copy of the list knows it; the damaged file is kept aside; the owner is
told once (the next start is clean).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import keyring.backends.fail
import pytest

from lila_desktop.core.messages import Code
from lila_desktop.core.settings import Settings
from lila_desktop.core.status import Status
from lila_desktop.services.config import CommandLine, resolve
from lila_desktop.services.quota.uri_store import MongoUriStore
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.runtime import Runtime
from lila_desktop.services.settings_store import SettingsStore
from tests.conftest import MemoryKeyStore, PoolHarness, build_test_pool

NAMED, LOGGED_OUT, UNNAMED = "51911111111", "51922222222", "51933333333"
KEYSTORE = MemoryKeyStore()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder as a real pool leaves it: three numbers, the list and its copy."""
    root = tmp_path_factory.mktemp("linked")

    async def prepare() -> None:
        pool = build_test_pool(root / "data", root / "run", KEYSTORE)
        await pool.start()
        harness = PoolHarness(pool, root / "data", root / "run")
        try:
            for phone in (NAMED, LOGGED_OUT, UNNAMED):
                await harness.link(phone)
            pool.rename(NAMED, "Front desk")
            pool.rename(LOGGED_OUT, "Old phone")
            await pool.simulate(LOGGED_OUT, "logout", {"code": 401})
            await harness.wait_status(LOGGED_OUT, "logged_out")
        finally:
            await pool.aclose()

    asyncio.run(prepare())
    SettingsStore(root / "data").save(Settings(keep_backups=12, language="es"))
    return root / "data"


@pytest.fixture
def data_dir(linked: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(linked, copy)
    return copy


def _tear(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


def _unreadable(path: Path) -> None:
    path.unlink()
    path.mkdir()  # a folder where the file was: reading it fails even for root


DAMAGE: dict[str, Callable[[Path], None]] = {
    "torn": _tear,
    "empty": lambda p: p.write_bytes(b""),
    "garbage": lambda p: p.write_bytes(b"\x00\xff\x13 not json at all"),
    "wrong-shape": lambda p: p.write_text('{"sessions": 5}'),
    "bad-value": lambda p: p.write_text('{"sessions": [{"phone": "12ab"}]}'),
    "deleted": lambda p: p.unlink(),
    "unreadable": _unreadable,
}


SETTINGS_DAMAGE: dict[str, Callable[[Path], None]] = {
    **DAMAGE,
    "wrong-shape": lambda p: p.write_text("[1, 2]"),
    "bad-value": lambda p: p.write_text('{"keep_backups": 500}'),  # refused, not clamped
}


def _entries(data_dir: Path) -> dict[str, tuple[str, bool, str | None]]:
    registry = SessionRegistry(data_dir / "sessions.json")
    return {e.phone: (e.name, e.desired, e.parked_status) for e in registry.load()}


@pytest.mark.parametrize("kind", DAMAGE)
def test_every_number_comes_back_named_from_the_last_good_copy(data_dir: Path, kind: str) -> None:
    path = data_dir / "sessions.json"
    before = _entries(data_dir)
    original = None if kind in ("deleted", "unreadable") else path.read_bytes()
    DAMAGE[kind](path)
    if original is not None:
        original = path.read_bytes()  # as damaged, to find it again aside

    registry = SessionRegistry(path)
    after = {e.phone: (e.name, e.desired, e.parked_status) for e in registry.load()}
    assert after == before  # every number, its name, its state
    assert before[LOGGED_OUT] == ("Old phone", False, Status.LOGGED_OUT.value)
    assert registry.recovery is not None and registry.recovery.code is Code.LIST_RECOVERED
    assert registry.recovery.get("count") == 3 and registry.recovery.get("unnamed") == 1

    kept = sorted(data_dir.glob("sessions.json.*.damaged"))
    if kind == "deleted":
        assert kept == []
    else:
        assert len(kept) == 1 and str(kept[0]) == registry.recovery.get("aside")
        if original is not None:
            assert kept[0].read_bytes() == original  # kept as it was, never rewritten

    again = SessionRegistry(path)
    assert {e.phone for e in again.load()} == set(before)
    assert again.recovery is None  # told once: the next start reads a good list


@pytest.mark.parametrize("kind", ["torn", "deleted", "garbage"])
def test_without_any_good_copy_the_disk_still_brings_every_number_back(
    data_dir: Path, kind: str
) -> None:
    path = data_dir / "sessions.json"
    DAMAGE[kind](path)
    (data_dir / "sessions.last-good.json").write_bytes(b"{torn")
    registry = SessionRegistry(path)
    entries = {e.phone: e for e in registry.load()}
    assert set(entries) == {NAMED, LOGGED_OUT, UNNAMED}
    # A sealed store reconnects by itself; backups only: shown stopped, to restore or link.
    assert entries[NAMED].desired and entries[UNNAMED].desired
    assert not entries[LOGGED_OUT].desired
    assert registry.recovery is not None and registry.recovery.get("unnamed") == 3


def test_a_removed_number_stays_removed_while_the_list_is_good(data_dir: Path) -> None:
    path = data_dir / "sessions.json"
    SessionRegistry(path).save([e for e in SessionRegistry(path).load() if e.phone != LOGGED_OUT])
    registry = SessionRegistry(path)
    assert {e.phone for e in registry.load()} == {NAMED, UNNAMED}  # its backups stay on disk
    assert registry.recovery is None


@pytest.mark.parametrize("kind", SETTINGS_DAMAGE)
def test_settings_come_back_from_the_last_good_copy(data_dir: Path, kind: str) -> None:
    store = SettingsStore(data_dir)
    SETTINGS_DAMAGE[kind](store.path)
    assert store.load() == Settings(keep_backups=12, language="es")
    assert store.recovery is not None and store.recovery.code is Code.SETTINGS_RECOVERED
    assert store.recovery.get("from_copy") == 1
    assert (kind == "deleted") is (not list(data_dir.glob("settings.json.*.damaged")))
    again = SettingsStore(data_dir)
    assert again.load() == Settings(keep_backups=12, language="es") and again.recovery is None


@pytest.mark.parametrize("kind", ["torn", "garbage", "unreadable"])
def test_settings_without_a_good_copy_fall_back_to_defaults_and_say_so(
    data_dir: Path, kind: str
) -> None:
    store = SettingsStore(data_dir)
    DAMAGE[kind](store.path)
    (data_dir / "settings.last-good.json").write_text('{"keep_backups": 500}')
    assert store.load() == Settings()
    assert store.recovery is not None and store.recovery.get("from_copy") == 0
    assert len(list(data_dir.glob("settings.json.*.damaged"))) == 1


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_a_list_without_read_permission(data_dir: Path) -> None:
    path = data_dir / "sessions.json"
    path.chmod(0)
    assert set(_entries(data_dir)) == {NAMED, LOGGED_OUT, UNNAMED}


@pytest.mark.asyncio
async def test_the_next_start_runs_every_number_and_tells_the_owner_once(data_dir: Path) -> None:
    _tear(data_dir / "sessions.json")
    cli = CommandLine(data_dir=data_dir, transport="simulated", api_port="0")

    def runtime() -> Runtime:
        config = resolve(cli, {}, SettingsStore(data_dir).load())
        started = Runtime(config, uri_store=MongoUriStore(keyring.backends.fail.Keyring()))
        started.pool = build_test_pool(data_dir, data_dir.parent / "run", KEYSTORE)
        return started

    first = runtime()
    await first.start()
    try:
        harness = PoolHarness(first.pool, data_dir, data_dir.parent / "run")
        for phone in (NAMED, UNNAMED):  # their saved logins: connected again, no QR
            await harness.wait(phone, lambda s: s.is_connected)
        assert first.pool.snapshot(NAMED).name == "Front desk"
        assert first.pool.snapshot(LOGGED_OUT).status is Status.LOGGED_OUT
        assert [m.code for m in first.notices] == [Code.LIST_RECOVERED]
    finally:
        await first.aclose()
    second = runtime()
    await second.start()
    try:
        assert second.notices == []
        assert {s.phone for s in second.pool.snapshots()} == {NAMED, LOGGED_OUT, UNNAMED}
    finally:
        await second.aclose()
