"""A process that works the vault until it dies (test_vault_crash.py drives it).

    python -m tests.unit.services.vault_crash_child ROOT SEED MODE [CRASH_AT]

MODE "inject": the CRASH_AT-th call to os.write/os.fsync/os.replace/os.unlink
in this process ends it with os._exit: before the call, after it, or (for
os.write) after writing only half, a torn write. SQLite's own I/O is C code
and is not counted, so the crash points are exactly the vault's file steps.
MODE "kill": run until the parent sends SIGKILL at a random moment.
Prints "ready" once the vault is open.
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import random
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lila_desktop.services.vault import PassphraseKeyStore, SessionVault
from tests.unit.services.vault_support import FAST_SCRYPT_N, OTHER, PASSPHRASE, PHONE

PHONES = (PHONE, OTHER)
CRASH_EXIT = 77


def make(root: Path, keep: int = 3) -> SessionVault:
    data = root / "data"
    return SessionVault(
        data,
        root / "run",
        PassphraseKeyStore(data, PASSPHRASE, scrypt_n=FAST_SCRYPT_N),
        keep_backups=keep,
    )


def install_crash_points(crash_at: int, rng: random.Random) -> None:
    counter = [0]
    # File steps run on several executor threads at once: an unlocked `+=`
    # and a later read could both skip crash_at, and the crash would never come.
    lock = threading.Lock()

    def wrap(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def crashing(*args: Any, **kwargs: Any) -> Any:
            with lock:
                counter[0] += 1
                step = counter[0]
            if step != crash_at:
                return real(*args, **kwargs)
            how = rng.choice(
                ["before", "after", "torn"] if name == "write" else ["before", "after"]
            )
            if how == "before":
                os._exit(CRASH_EXIT)
            if how == "torn":
                fd, data = args
                real(fd, bytes(data[: max(1, len(data) // 2)]))
                os._exit(CRASH_EXIT)
            try:  # "after" even when the call fails (an unlink of a file already gone)
                return real(*args, **kwargs)
            finally:
                os._exit(CRASH_EXIT)

        return crashing

    for name in ("write", "fsync", "replace", "unlink"):
        setattr(os, name, wrap(name, getattr(os, name)))


def touch(live: Path, rng: random.Random) -> None:
    """Write like whatsmeow does while connected."""
    if not live.exists():
        return
    with sqlite3.connect(live, timeout=5) as conn:
        n = rng.randrange(10**9)
        conn.execute(
            "INSERT OR REPLACE INTO whatsmeow_lid_map VALUES (?, ?)", (f"{n}@lid", f"{n}@s")
        )
        conn.execute(
            "UPDATE whatsmeow_device SET push_name = ?", (os.urandom(rng.randrange(1, 3000)).hex(),)
        )
    conn.close()


async def work(vault: SessionVault, rng: random.Random, steps: int) -> None:
    for _ in range(steps):
        phone = rng.choice(PHONES)
        live = await vault.prepare_live(phone)
        op = rng.choices(
            ["touch", "seal", "backup", "restore", "restore_ts", "reset", "seal_all"],
            weights=[4, 3, 3, 1, 1, 1, 1],
        )[0]
        if op == "touch":
            touch(live, rng)
        elif op == "seal":
            await vault.seal(phone)
        elif op == "seal_all":
            await vault.seal_all()
        elif op == "backup":
            touch(live, rng)
            await vault.backup(phone, "periodic", connected=rng.random() < 0.5)
        elif op in ("restore", "restore_ts"):
            backups = await vault.list_backups(phone)
            ts = rng.choice(backups).timestamp if op == "restore_ts" and backups else None
            await vault.restore(phone, ts)
        else:  # a logout: back up what remains, reset, then the owner restores
            await vault.reset(phone, "logged out")
            await vault.restore(phone)


async def main(root: Path, seed: int, mode: str, crash_at: int) -> None:
    # A child that never crashes says where it is stuck (the parent waits 60 s).
    faulthandler.dump_traceback_later(45, exit=True)
    rng = random.Random(seed)
    vault = make(root)
    if mode == "inject":
        install_crash_points(crash_at, rng)
    await vault.open()
    print("ready", flush=True)
    # Work until the crash: an injected crash point or the parent's SIGKILL always
    # comes first (the parent requires it; a clean exit would be a crash not run).
    await work(vault, rng, steps=10**9)
    await vault.aclose()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
