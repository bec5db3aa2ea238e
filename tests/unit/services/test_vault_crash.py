"""Crash consistency: kill the vault's process at random points, dozens of times.

A child process (vault_crash_child.py) seals, backs up, restores and resets
two sessions while whatsmeow-like writes go on, and dies: either at the k-th
file step (os.write / fsync / replace / unlink; before it, after it, or with
a torn write) or by SIGKILL at a random moment. Runs are cumulative: each
child starts from the state the previous one died in, so recovery itself is
also interrupted. After every death the state on disk must satisfy:

- every final name (store.sealed, creds-*.lila) decrypts and verifies;
  nothing was taken for corrupt (no corrupt-* file);
- after `open()` (on a copy, so the next child still meets the raw state):
  no temp file is left, every session is intact or restorable, and after a
  clean shutdown no plaintext SQLite header is left under the data folder.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import signal
import sys
from pathlib import Path

import pytest

from lila_desktop.core.backup_naming import parse_backup_file_name
from lila_desktop.services import store_schema
from lila_desktop.services.vault.atomic import is_temp_name
from lila_desktop.services.vault.sealed import PURPOSE_BACKUP, PURPOSE_STORE, open_file
from lila_desktop.services.vault.snapshot import check_store
from tests.unit.services.vault_crash_child import CRASH_EXIT, PHONES, make
from tests.unit.services.vault_support import all_files, keystore, plaintext_sqlite_files

pytestmark = pytest.mark.chaos

ROOT = Path(__file__).resolve().parents[3]
SEED = 20260128
INJECTED_RUNS = 24
KILLED_RUNS = 10


async def _child(root: Path, seed: int, mode: str, crash_at: int, kill_after: float) -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.unit.services.vault_crash_child",
        str(root),
        str(seed),
        mode,
        str(crash_at),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    if mode == "kill":
        ready = await asyncio.wait_for(proc.stdout.readline(), 30)
        if ready.strip() == b"ready":
            await asyncio.sleep(kill_after)
            proc.send_signal(signal.SIGKILL)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    expected = CRASH_EXIT if mode == "inject" else -signal.SIGKILL
    assert proc.returncode == expected, err.decode()[-3000:]
    return proc.returncode


def _check_raw_state(root: Path, key: bytes) -> int:
    """Every final name verifies; returns how many backups were checked."""
    sessions = root / "data" / "sessions"
    checked = 0
    for path in all_files(root / "data"):
        name = path.name
        if is_temp_name(name):
            continue  # an unfinished write: never a final name
        assert not name.startswith("corrupt-"), f"a crash produced something unreadable: {path}"
        if name == "store.sealed":
            phone = path.parent.name
            _, data = open_file(path, key, phone=phone, purpose=PURPOSE_STORE)
            check_store(data)
        elif name.startswith("creds-"):
            timestamp = parse_backup_file_name(name)
            assert timestamp is not None, path
            phone = path.parent.name
            header, data = open_file(path, key, phone=phone, purpose=PURPOSE_BACKUP)
            assert header.meta["timestamp"] == timestamp
            assert check_store(data).has_device
            checked += 1
        else:
            assert name.startswith("reset-") or path.parent == root / "data", path
    assert sessions.is_dir()
    return checked


async def _check_recovers(root: Path, scratch: Path) -> None:
    """On a copy: open (recovery), then every session is intact or restorable."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, symlinks=True)
    vault = make(scratch)
    await vault.open()
    leftovers = [p for p in all_files(scratch) if is_temp_name(p.name)]
    assert leftovers == []
    for phone in PHONES:
        assert await vault.latest_backup(phone) is not None, phone
        if not await vault.has_device(phone):
            await vault.restore(phone)
            assert await vault.has_device(phone), phone
        assert store_schema.has_device(await vault.prepare_live(phone))
    await vault.aclose()
    assert plaintext_sqlite_files(scratch / "data") == []


async def _setup(root: Path) -> bytes:
    vault = make(root)
    await vault.open()
    for phone in PHONES:
        store_schema.make_paired_store(await vault.prepare_live(phone), phone)
        assert await vault.backup(phone, "after pairing", connected=True) is not None
    await vault.aclose()
    key = keystore(root / "data").load_key()
    assert key is not None
    return key


@pytest.mark.asyncio
@pytest.mark.timeout(110)
async def test_random_crashes_never_lose_credentials(tmp_path: Path) -> None:
    root, scratch = tmp_path / "vault", tmp_path / "scratch"
    key = await _setup(root)
    rng = random.Random(SEED)
    plan = [("inject", rng.randint(1, 250), 0.0) for _ in range(INJECTED_RUNS)]
    plan += [("kill", 0, rng.uniform(0.02, 0.4)) for _ in range(KILLED_RUNS)]
    rng.shuffle(plan)
    crashed = 0
    checked = 0
    for run, (mode, crash_at, kill_after) in enumerate(plan):
        code = await _child(root, SEED + run, mode, crash_at, kill_after)
        crashed += code != 0
        checked += _check_raw_state(root, key)
        if run % 3 == 2 or run == len(plan) - 1:
            await _check_recovers(root, scratch)
    # Every run crashed the vault mid-work, as it claims.
    assert crashed == INJECTED_RUNS + KILLED_RUNS
    assert checked > len(plan)
