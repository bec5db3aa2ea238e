"""The vault never follows a link in place of a number's folder, for reading and
deleting too, and a refused start leaves no empty runtime folder (issue 13, finding 5)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from lila_desktop.services import store_schema
from lila_desktop.services.vault import VaultError, VaultUnavailable
from tests.e2e.small_disk import fill, small_disk
from tests.unit.services.vault_support import PHONE, make_vault

pytestmark = pytest.mark.asyncio


async def _sealed_number(tmp_path: Path) -> Path:
    """A data folder with one paired, sealed number and its backups; the vault closed."""
    vault = make_vault(tmp_path)
    await vault.open()
    store_schema.make_paired_store(await vault.prepare_live(PHONE), PHONE)
    await vault.backup(PHONE, "paired", connected=True)
    await vault.aclose()
    return tmp_path / "data"


def _swap_for_link(folder: Path, elsewhere: Path) -> None:
    shutil.move(folder, elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)


@pytest.mark.parametrize("which", ["sessions", "backups"])
async def test_a_linked_number_folder_is_refused_at_open(tmp_path: Path, which: str) -> None:
    data = await _sealed_number(tmp_path)
    folder = data / "sessions" / PHONE if which == "sessions" else data / "sessions/backups" / PHONE
    _swap_for_link(folder, tmp_path / "elsewhere")
    vault = make_vault(tmp_path)
    with pytest.raises(VaultUnavailable, match="link"):
        await vault.open()
    assert not (tmp_path / "run").exists()  # no empty runtime folder left behind


async def test_a_link_swapped_in_later_is_not_read_nor_deleted(tmp_path: Path) -> None:
    data = await _sealed_number(tmp_path)
    vault = make_vault(tmp_path)
    await vault.open()
    elsewhere, other = tmp_path / "elsewhere", tmp_path / "other"
    _swap_for_link(data / "sessions" / PHONE, elsewhere)
    _swap_for_link(data / "sessions" / "backups" / PHONE, other)
    before = sorted(p.name for p in [*elsewhere.iterdir(), *other.iterdir()])
    with pytest.raises(VaultError, match="link"):
        await vault.prepare_live(PHONE)  # reading the sealed store
    with pytest.raises(VaultError, match="link"):
        await vault.list_backups(PHONE)
    with pytest.raises(VaultError, match="link"):
        await vault.remove(PHONE, delete_backups=True)
    assert sorted(p.name for p in [*elsewhere.iterdir(), *other.iterdir()]) == before
    await vault.aclose()


async def test_a_refused_key_leaves_no_runtime_folder(tmp_path: Path) -> None:
    await _sealed_number(tmp_path)
    assert not (tmp_path / "run").exists()
    vault = make_vault(tmp_path, passphrase="another passphrase entirely")
    with pytest.raises(VaultUnavailable):
        await vault.open()
    assert not (tmp_path / "run").exists()


async def test_vault_folders_are_private(tmp_path: Path) -> None:
    data = await _sealed_number(tmp_path)
    for folder in (data / "sessions", data / "sessions" / PHONE, data / "sessions/backups"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
    for path in data.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path


async def test_a_full_disk_at_start_keeps_the_live_copy_and_opens(tmp_path: Path) -> None:
    """A seal that failed at shutdown is retried at the next start; if the disk is
    still full then, the vault opens anyway and the live copy waits for space."""
    disk = tmp_path / "disk"
    with small_disk(disk, "1m"):
        vault = make_vault(disk)
        await vault.open()
        live = await vault.prepare_live(PHONE)
        store_schema.make_paired_store(live, PHONE)
        await vault.seal(PHONE)
        store_schema.add_device(live, PHONE)  # changed since the seal; the app then died
        del vault
        fill(disk)
        vault = make_vault(disk)
        await vault.open()  # recovery could not seal: logged, not fatal
        assert (disk / "run" / f"{PHONE}.db").exists()
        (disk / "filler").unlink()
        await vault.aclose()  # space again: sealed and dropped
        assert not (disk / "run" / f"{PHONE}.db").exists()
