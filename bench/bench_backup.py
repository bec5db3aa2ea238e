"""Backup and restore of 1, 5 and 20 MB session stores, against a plain file copy.

Run: .venv/bin/python bench/bench_backup.py  (writes bench/results/backup.json)
     .venv/bin/python bench/bench_backup.py --ab 5  (5 rounds of main's code then
     this tree's, 5 MB, alternating; writes bench/results/backup_ab.json)

A real whatsmeow-schema store (`store_schema.make_paired_store`) is grown to
the target size with rows in `whatsmeow_sessions` and `whatsmeow_contacts`
(random bytes: encryption gains nothing from compression either). The real
`SessionVault` on this disk (a temp folder beside the repository, ext4 here):

- backup = `vault.backup(...)`: a snapshot of the live store (one integrity
  check on the file and one read of it, in one read transaction), AES-256-GCM
  seal straight into one buffer, temp file + fsync, read back and compared
  with the sealed bytes (equal bytes carry the GCM tag of the checked
  plaintext), rename + directory fsync. (Earlier: SQLite online backup into
  a second database and the plaintext checked three times; then the check on
  a second in-memory copy and the written file decrypted again.)
  One row changes before each round, so no round is skipped as unchanged.
- restore = `vault.restore(phone, ts)` of the previous backup: decrypt and
  verify it, (the pre-restore backup is skipped: the current state is the
  newest backup already), seal it as the session's store, write the live copy;
  each with temp file + fsync + rename.
- the floor: the same bytes copied to a file on the same disk, plain
  (`shutil.copyfile`) and durable (copy + fsync), as the vault's writes are.

The phases of a backup are also timed one by one (snapshot, check, seal,
write, verify). Median of ROUNDS rounds after one warm-up; the ratios are the
median of each round's backup ÷ its own copy + fsync (same moment, same load).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import ab
from bench.harness.pool import MemoryKeyStore
from lila_desktop.services import store_schema
from lila_desktop.services.vault import SessionVault, snapshot
from lila_desktop.services.vault import backups as backups_module
from lila_desktop.services.vault.atomic import atomic_write_bytes
from lila_desktop.services.vault.sealed import PURPOSE_BACKUP, seal_buffer
from lila_desktop.services.vault.snapshot import snapshot_store

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SIZES_MB = tuple(int(x) for x in os.environ.get("LILA_BENCH_SIZES_MB", "1,5,20").split(","))
ROUNDS = int(os.environ.get("LILA_BENCH_ROUNDS", "11"))
PHONE = "51900000042"


def grow_store(path: Path, phone: str, megabytes: int) -> int:
    """A paired store of about `megabytes` MB; returns its size in bytes."""
    jid = store_schema.make_paired_store(path, phone)
    target = megabytes * 2**20
    with sqlite3.connect(path) as conn:
        i = 0
        while path.stat().st_size < target:
            rows = [(jid, f"{i + k}@s.whatsapp.net", secrets.token_bytes(1500)) for k in range(200)]
            conn.executemany(
                "INSERT INTO whatsmeow_sessions (our_jid, their_id, session) VALUES (?, ?, ?)",
                rows,
            )
            conn.executemany(
                "INSERT INTO whatsmeow_contacts (our_jid, their_jid, push_name) VALUES (?, ?, ?)",
                [(jid, f"{i + k}@s.whatsapp.net", secrets.token_hex(20)) for k in range(200)],
            )
            conn.commit()
            i += 200
    conn.close()
    return path.stat().st_size


def touch(path: Path) -> None:
    """Change one row, as whatsmeow does all the time while connected."""
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE whatsmeow_device SET push_name = ?", (secrets.token_hex(8),))
    conn.close()


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def durable_copy(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_times(live: Path, dst: Path) -> tuple[float, float]:
    """The floor: the same bytes copied on the same disk, plain and durable."""
    return timed(lambda: shutil.copyfile(live, dst)), timed(lambda: durable_copy(live, dst))


def check_live(live: Path) -> None:
    """The one integrity check as `snapshot_checked` runs it: on the file, in a read transaction."""
    conn = sqlite3.connect(live.resolve().as_uri() + "?mode=rw", uri=True)
    try:
        conn.execute(f"PRAGMA mmap_size = {snapshot.MMAP_BYTES}")
        conn.execute("BEGIN")
        assert snapshot._verdict(conn).has_device
        conn.execute("COMMIT")
    finally:
        conn.close()


def phase_times(live: Path, key: bytes, dst: Path) -> dict[str, float]:
    """A backup's steps one by one, on the same bytes."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    data = snapshot_store(live)
    out["snapshot"] = time.perf_counter() - t0
    out["check"] = timed(lambda: check_live(live))
    t0 = time.perf_counter()
    blob = seal_buffer(data, key, phone=PHONE, purpose=PURPOSE_BACKUP, meta={})
    out["seal"] = time.perf_counter() - t0
    out["write"] = timed(lambda: atomic_write_bytes(dst, blob))
    # As Backups._verify_written: read back and compare with the sealed bytes.
    out["verify"] = timed(lambda: _check(backups_module._file_equals(dst, blob)))
    return out


def _check(ok: bool) -> None:
    assert ok


def ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


async def one_size(root: Path, megabytes: int) -> dict[str, Any]:
    data_dir, runtime = root / "data", root / "run"
    keystore = MemoryKeyStore()
    vault = SessionVault(data_dir, runtime, keystore, keep_backups=3)
    await vault.open()
    live = await vault.prepare_live(PHONE)
    size = grow_store(live, PHONE, megabytes)
    key = keystore.key
    assert key is not None
    backup_s: list[float] = []
    backup_cpu_s: list[float] = []
    restore_s: list[float] = []
    copy_s: list[float] = []
    fsync_copy_s: list[float] = []
    phases: dict[str, list[float]] = {"snapshot": [], "check": [], "seal": [], "write": []}
    phases["verify"] = []
    for round_no in range(ROUNDS + 1):
        touch(live)
        t0, c0 = time.perf_counter(), time.process_time()
        info = await vault.backup(PHONE, "bench", connected=True)
        took = time.perf_counter() - t0
        # CPU seconds of the process (the loop idles meanwhile): what the backup
        # costs whatever else the machine runs; wall time suffers on a shared one.
        took_cpu = time.process_time() - c0
        assert info is not None
        touch(live)
        newest = await vault.backup(PHONE, "bench", connected=True)
        assert newest is not None
        t0 = time.perf_counter()
        await vault.restore(PHONE, info.timestamp)
        restored = time.perf_counter() - t0
        plain, durable = copy_times(live, root / "copy.db")
        lap = phase_times(live, key, root / "phase.lila")
        if round_no == 0:
            continue  # warm-up: page cache, imports, first directory creation
        backup_s.append(took)
        backup_cpu_s.append(took_cpu)
        restore_s.append(restored)
        copy_s.append(plain)
        fsync_copy_s.append(durable)
        for name, value in lap.items():
            phases[name].append(value)
    await vault.aclose()
    return {
        "store_mb": round(size / 2**20, 2),
        "backup_ms": ms(backup_s),
        "backup_cpu_ms": ms(backup_cpu_s),
        "restore_ms": ms(restore_s),
        "copy_ms": ms(copy_s),
        "copy_fsync_ms": ms(fsync_copy_s),
        # Median of the per-round ratios: a backup and its copy run back to back,
        # under the same load (the machine may be shared), so their ratio is
        # steadier than the ratio of two medians.
        "backup_vs_copy_fsync": round(
            statistics.median(b / c for b, c in zip(backup_s, fsync_copy_s, strict=True)), 1
        ),
        "restore_vs_copy_fsync": round(
            statistics.median(r / c for r, c in zip(restore_s, fsync_copy_s, strict=True)), 1
        ),
        "backup_phases_ms": {name: ms(values) for name, values in phases.items()},
        "rounds": ROUNDS,
    }


# One 5 MB measurement of the sources under sys.argv[1] (main's or this tree's).
_ONE_RUN = """
import asyncio, json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import bench.bench_backup as b
with tempfile.TemporaryDirectory(prefix="lila-bench-backup-", dir=b.ROOT.parent) as tmp:
    print(json.dumps(asyncio.run(b.one_size(Path(tmp), 5))))
"""


def ab_run(src: Path) -> dict[str, Any]:
    r = ab.last_json_line([sys.executable, "-c", _ONE_RUN, str(src)], cwd=src)
    return {
        "backup_ms": r["backup_ms"],
        "backup_cpu_ms": r["backup_cpu_ms"],
        "copy_fsync_ms": r["copy_fsync_ms"],
        "backup_vs_copy_fsync": r["backup_vs_copy_fsync"],
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def main_ab(rounds: int) -> None:
    runs = ab.alternate(rounds, ab_run)
    what = (
        f"A/B with a 5 MB store, {rounds} alternating runs each of main (before) and this "
        f"branch in the same minutes: bench/bench_backup.py --ab {rounds}, {ROUNDS} rounds "
        "per run, main's sources from `git archive main`"
    )
    ab.write("backup_ab", what, runs)


def main() -> None:
    if "--ab" in sys.argv:
        main_ab(int(sys.argv[sys.argv.index("--ab") + 1]))
        return
    load = [round(x, 2) for x in os.getloadavg()]
    results = []
    for megabytes in SIZES_MB:
        # Beside the repository: the same disk as a real data folder, not a tmpfs.
        with tempfile.TemporaryDirectory(prefix="lila-bench-backup-", dir=ROOT.parent) as tmp:
            results.append(asyncio.run(one_size(Path(tmp), megabytes)))
            print(json.dumps(results[-1]))
    out = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "disk": "ext4 (virtio disk), the repository's file system",
            "loadavg_1m_start": load[0],
            "loadavg_1m_end": round(os.getloadavg()[0], 2),
        },
        "sizes": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backup.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
