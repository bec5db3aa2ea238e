"""Each number's history (status changes, backups, restores), kept on disk.

Fed by the pool's snapshots: a new status becomes a `status` event (with the
drop's reason), a new `last_backup_at` a `backup` event; restores are told
by whoever asked for them. Events go to memory at once and to
`history/history.jsonl` in the data folder in small batches, off the loop.

Bounded twice: the file rotates at `max_bytes` (history.1.jsonl … up to
`keep_files` old ones; the oldest is dropped), and events older than
`max_age` are forgotten when loading and when the memory grows. A torn last
line (power cut mid-write) is skipped on reading, never fatal: this is a
picture of the past, not a credential.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.core.timeline import EventKind, HistoryEvent
from lila_desktop.services.blocking import run_blocking

if TYPE_CHECKING:
    from lila_desktop.services.pool import RestoreOutcome

logger = logging.getLogger(__name__)

HISTORY_DIR = "history"
FILE_NAME = "history.jsonl"
MAX_BYTES = 512 * 1024
KEEP_FILES = 3
MAX_AGE_S = 31 * 86400  # the window shows 30 days at most
MAX_EVENTS_PER_NUMBER = 20_000
FLUSH_DELAY_S = 0.5


class SnapshotSource(Protocol):
    def subscribe(self, callback: Callable[[SessionSnapshot], None]) -> Callable[[], None]: ...
    def subscribe_restores(
        self, callback: Callable[[RestoreOutcome], None]
    ) -> Callable[[], None]: ...
    def snapshots(self) -> list[SessionSnapshot]: ...


class SessionHistory:
    def __init__(
        self,
        data_dir: Path,
        *,
        max_bytes: int = MAX_BYTES,
        keep_files: int = KEEP_FILES,
        max_age: float = MAX_AGE_S,
        clock: Callable[[], float] = time.time,
        flush_delay: float = FLUSH_DELAY_S,
    ) -> None:
        self.dir = data_dir / HISTORY_DIR
        self.path = self.dir / FILE_NAME
        self.max_bytes = max_bytes
        self.keep_files = keep_files
        self.max_age = max_age
        self._clock = clock
        self._flush_delay = flush_delay
        self._events: dict[str, deque[HistoryEvent]] = defaultdict(
            lambda: deque(maxlen=MAX_EVENTS_PER_NUMBER)
        )
        self._status: dict[str, Status | None] = {}
        self._backup_at: dict[str, float | None] = {}
        self._pending: list[HistoryEvent] = []
        self._flush_task: asyncio.Task[None] | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._listeners: list[Callable[[str], None]] = []
        self._closed = False
        self.rotations = 0
        # Whether the log is known to end with a whole line: checked once per
        # life (a kill mid-write) and again after a failed write, not per flush.
        self._tail_ok = False

    # --- life --------------------------------------------------------------

    async def open(self) -> None:
        """Read what earlier runs recorded (in a worker thread)."""
        events = await run_blocking(self._read_all)
        for event in events:
            self._remember(event)
        logger.info("history: %d events loaded", len(events), extra={"event": "history_loaded"})

    def attach(self, pool: SnapshotSource) -> None:
        if not self._unsubscribe:
            self._unsubscribe = [
                pool.subscribe(self.observe),
                pool.subscribe_restores(self._on_pool_restored),
            ]
            for snap in pool.snapshots():
                self.observe(snap)

    async def aclose(self) -> None:
        """Mark every number as "app not running" from now, and write everything."""
        for undo in self._unsubscribe:
            undo()
        self._unsubscribe.clear()
        now = self._clock()
        for phone, status in list(self._status.items()):
            if status is not None:
                self.record(HistoryEvent(now, phone, EventKind.CLOSED))
        task, self._flush_task = self._flush_task, None
        if task is not None and not task.done():
            task.cancel()  # written right here instead
            await asyncio.gather(task, return_exceptions=True)
        self._closed = True
        await self.flush()

    def add_listener(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """`callback(phone)` after each new event of that number."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    # --- recording ---------------------------------------------------------

    def observe(self, snap: SessionSnapshot) -> None:
        """A pool snapshot: record what changed (status, a new backup)."""
        if self._status.get(snap.phone, None) is not snap.status:
            drop = snap.last_disconnect
            fresh = drop is not None and abs(drop.at - snap.since) < 5
            past = self._events.get(snap.phone)
            # Never before what is already recorded (a status older than the last
            # "not running" mark would be swallowed by it).
            at = max(snap.since or self._clock(), past[-1].at if past else 0.0)
            self.record(
                HistoryEvent(
                    at=at,
                    phone=snap.phone,
                    kind=EventKind.STATUS,
                    status=snap.status,
                    reason=drop.reason if fresh and drop else None,
                    code=drop.code if fresh and drop else None,
                )
            )
        if snap.last_backup_at is not None and snap.last_backup_at != self._backup_at.get(
            snap.phone
        ):
            known = self._backup_at.get(snap.phone)
            self._backup_at[snap.phone] = snap.last_backup_at
            if known is None or snap.last_backup_at > known:
                self.record(HistoryEvent(snap.last_backup_at, snap.phone, EventKind.BACKUP))

    def _on_pool_restored(self, outcome: RestoreOutcome) -> None:
        self.record_restore(outcome.backup.phone, outcome.backup.timestamp, outcome.accepted)

    def record_restore(self, phone: str, timestamp: str, ok: bool) -> None:
        self.record(HistoryEvent(self._clock(), phone, EventKind.RESTORE, detail=timestamp, ok=ok))

    def record(self, event: HistoryEvent) -> None:
        self._remember(event)
        self._pending.append(event)
        for callback in list(self._listeners):
            try:
                callback(event.phone)
            except Exception:
                logger.exception("history listener failed")
        if self._closed:
            return  # after aclose (a late snapshot): kept in memory, the file is done
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a script): flush() writes it
        if self._flush_task is None or self._flush_task.done():
            self._flush_task = loop.create_task(self._flush_soon())

    def _remember(self, event: HistoryEvent) -> None:
        events = self._events[event.phone]
        # Oldest first, as a restart reads them back: a backup is told when it
        # ends, stamped when it was taken, and a status shown while it ran
        # comes before it in time.
        if len(events) == events.maxlen:
            events.popleft()  # insert() refuses a full deque; append() would drop it too
        at = len(events)
        while at and events[at - 1].at > event.at:
            at -= 1
        events.insert(at, event)
        if event.kind is EventKind.STATUS:
            self._status[event.phone] = event.status
        elif event.kind is EventKind.CLOSED:
            self._status[event.phone] = None
        elif event.kind is EventKind.BACKUP:
            known = self._backup_at.get(event.phone)
            self._backup_at[event.phone] = max(event.at, known or 0.0)
        horizon = self._clock() - self.max_age
        while events and events[0].at < horizon:
            events.popleft()

    def events(self, phone: str) -> list[HistoryEvent]:
        return list(self._events.get(phone, ()))

    def phones(self) -> list[str]:
        return [p for p, events in self._events.items() if events]

    # --- disk --------------------------------------------------------------

    async def _flush_soon(self) -> None:
        await asyncio.sleep(self._flush_delay)
        await self.flush()

    async def flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await run_blocking(self._append, batch)
            except OSError as exc:  # a full disk loses a picture, never a number
                self._tail_ok = False  # the write may have stopped mid-line
                logger.error("history could not be written: %s", exc)
                return

    def _append(self, batch: list[HistoryEvent]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # names numbers: private
        data = "".join(json.dumps(_encode(e), separators=(",", ":")) + "\n" for e in batch)
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > self.max_bytes:
            self._rotate()
        elif size and not self._tail_ok:
            self._mend_tail()
        self._tail_ok = True
        with open(self.path, "a", encoding="utf-8", opener=_private_open) as f:
            f.write(data)

    def _mend_tail(self) -> None:
        """Cut a torn last line (a kill or a full disk mid-write) before appending:
        only the log's last line may ever be torn, never one in its middle."""
        with open(self.path, "rb+") as f:
            end = f.seek(0, os.SEEK_END)
            f.seek(end - 1)
            if f.read(1) == b"\n":
                return
            start = max(0, end - 65536)
            f.seek(start)
            cut = f.read().rfind(b"\n")
            if cut >= 0 or start == 0:
                f.truncate(start + cut + 1)
            else:  # a torn line longer than any we write: end it, keep the rest
                f.write(b"\n")
        logger.warning("history: a torn last line was cut", extra={"event": "history_mended"})

    def _rotate(self) -> None:
        """history.jsonl -> .1 -> .2 …; the file past `keep_files` is dropped."""
        oldest = self._rotated(self.keep_files)
        oldest.unlink(missing_ok=True)
        for n in range(self.keep_files - 1, 0, -1):
            if self._rotated(n).exists():
                os.replace(self._rotated(n), self._rotated(n + 1))
        os.replace(self.path, self._rotated(1))
        self.rotations += 1
        logger.info("history rotated", extra={"event": "history_rotated"})

    def _rotated(self, n: int) -> Path:
        return self.dir / f"history.{n}.jsonl"

    def files(self) -> list[Path]:
        """Oldest first."""
        old = [self._rotated(n) for n in range(self.keep_files, 0, -1)]
        return [p for p in (*old, self.path) if p.exists()]

    def _read_all(self) -> list[HistoryEvent]:
        horizon = self._clock() - self.max_age
        events: list[HistoryEvent] = []
        for path in self.files():
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError as exc:
                logger.warning("history file %s unreadable: %s", path.name, exc)
                continue
            for line in lines:
                event = _decode(line)
                if event is not None and event.at >= horizon:
                    events.append(event)
        events.sort(key=lambda e: e.at)
        return events

    # --- demo --------------------------------------------------------------

    def seed_demo(self, phones: Iterable[str], *, seed: int = 7) -> int:
        """A believable last day for numbers without history (only for --demo):
        mostly connected, a few short drops with real reasons, a backup every
        few hours. Returns how many events were added."""
        rng = random.Random(seed)
        now = self._clock()
        added = 0
        reasons = [
            (408, "keepalive timeout"),
            (None, "network unreachable"),
            (515, "stream error"),
            (503, "service unavailable"),
        ]
        for phone in phones:
            if any(e.at < now - 3600 for e in self._events.get(phone, ())):
                continue  # it has a past of its own
            t = now - 86400
            events = [HistoryEvent(t, phone, EventKind.STATUS, Status.CONNECTING)]
            t += 4
            events.append(HistoryEvent(t, phone, EventKind.STATUS, Status.CONNECTED))
            next_backup = t + rng.uniform(1800, 3 * 3600)
            while True:
                t += rng.uniform(2.5 * 3600, 7 * 3600)
                while next_backup < min(t, now - 600):
                    events.append(HistoryEvent(next_backup, phone, EventKind.BACKUP))
                    next_backup += rng.uniform(3 * 3600, 5 * 3600)
                if t > now - 2700:
                    break
                code, reason = rng.choice(reasons)
                events.append(
                    HistoryEvent(t, phone, EventKind.STATUS, Status.RECONNECTING, reason, code)
                )
                t += rng.uniform(20, 600)
                events.append(HistoryEvent(t, phone, EventKind.STATUS, Status.CONNECTED))
            # The laptop was off a while before this start: no drop at the seam.
            events.append(HistoryEvent(now - 900, phone, EventKind.CLOSED))
            status = self._status.get(phone)
            for event in events:
                self.record(event)
            self._status[phone] = status  # what the pool said last still holds
            added += len(events)
        return added


def _encode(e: HistoryEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"t": e.at, "p": e.phone, "k": e.kind.value}
    for key, value in (
        ("s", e.status.value if e.status else None),
        ("r", e.reason),
        ("c", e.code),
        ("d", e.detail),
        ("ok", e.ok),
    ):
        if value is not None:
            out[key] = value
    return out


def _decode(line: str) -> HistoryEvent | None:
    try:
        raw = json.loads(line)
        return HistoryEvent(
            at=float(raw["t"]),
            phone=str(raw["p"]),
            kind=EventKind(raw["k"]),
            status=Status(raw["s"]) if raw.get("s") else None,
            reason=raw.get("r"),
            code=raw.get("c"),
            detail=raw.get("d"),
            ok=raw.get("ok"),
        )
    except (ValueError, KeyError, TypeError):
        return None  # a torn or foreign line: skip it


def _private_open(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)  # 0600 like every file in the data folder
