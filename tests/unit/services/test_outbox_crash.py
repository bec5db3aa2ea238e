"""kill -9 of the app at random moments while the outbox drains 500 messages.

After 30 kills (LILA_OUTBOX_CRASH_RUNS for more) and a last clean run:
no accepted message is lost (each ends sent/delivered/read or unknown), none
went out twice (the simulated WhatsApp's own log, kept across kills, says
what it really got), every message that went out is recorded as such or as
`unknown`, and the quota counts exactly what went out or may have (`unknown`).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from tests.unit.services.outbox_support import SENT_LOG_ENV, read_sent

ROOT = Path(__file__).resolve().parents[3]
MESSAGES = int(os.environ.get("LILA_OUTBOX_CRASH_MESSAGES", "500"))
RUNS = int(os.environ.get("LILA_OUTBOX_CRASH_RUNS", "30"))
SEED = int(os.environ.get("LILA_OUTBOX_CRASH_SEED", str(random.randrange(1 << 30))))
RESULTS = os.environ.get("LILA_OUTBOX_CRASH_RESULTS")  # bench: where to write the counts


class Child:
    def __init__(self, data_dir: Path, env: dict[str, str], *args: str) -> None:
        self.log = data_dir.parent / "child.log"  # every run appends: read it on a failure
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.unit.services.outbox_crash_child",
                    str(data_dir),
                    *args,
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._seen:
                self.lines.append(line.strip())
                self._seen.notify_all()
        with self._seen:
            self.lines.append("<eof>")
            self._seen.notify_all()

    def wait_line(self, word: str, timeout: float = 60) -> bool:
        """True once `word` was printed; False if the child ended without it."""
        with self._seen:
            ok = self._seen.wait_for(lambda: word in self.lines or "<eof>" in self.lines, timeout)
        assert ok, f"the child printed neither {word!r} nor ended in {timeout} s"
        if word not in self.lines and self.proc.wait(30) != 0:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"the child failed ({self.proc.returncode}):\n{tail}")
        return word in self.lines

    def kill9(self) -> None:
        """SIGKILL the app; then wait for its engine, which ends itself on the closed pipe."""
        try:
            engines = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            engines = []
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._close()
        _, alive = psutil.wait_procs(engines, timeout=30)
        assert not alive, "the engine outlived its app by 30 s"

    def finish(self) -> int:
        code = self.proc.wait(120)
        self._close()
        return code

    def _close(self) -> None:
        self._reader.join(30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


@pytest.mark.timeout(600)
def test_kill9_during_a_drain_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    data_dir = tmp_path / "data"
    sent_path = tmp_path / "whatsapp-sent.jsonl"
    env = {
        **os.environ,
        SENT_LOG_ENV: str(sent_path),
        "LILA_SIM_TIME_SCALE": "0.01",
        "PYTHONPATH": str(ROOT),
    }
    accept = Child(data_dir, env, "accept", str(MESSAGES))
    assert accept.wait_line("accepted", 120) and accept.finish() == 0
    kills = 0
    started = time.monotonic()
    for _ in range(RUNS):
        child = Child(data_dir, env, "drain")
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0, 0.5))  # somewhere in start-up or recovery
        elif child.wait_line("ready"):
            time.sleep(rng.uniform(0, 0.1))  # somewhere in the drain
        if child.proc.poll() is None:
            child.kill9()
            kills += 1
        else:
            child.finish()
    last = Child(data_dir, env, "drain")
    assert last.wait_line("drained", 120) and last.finish() == 0
    campaign_seconds = time.monotonic() - started

    with sqlite3.connect(data_dir / "outbox" / "outbox.sqlite3") as db:
        rows = db.execute("SELECT idem_key, status, body, wa_id FROM messages").fetchall()
    with sqlite3.connect(data_dir / "quota.sqlite3") as db:
        used = db.execute("SELECT coalesce(sum(used), 0) FROM usage").fetchone()[0]
        reserved = db.execute(
            "SELECT count(*) FROM reservations WHERE state = 'reserved'"
        ).fetchone()[0]
    status = {key: st for key, st, _, _ in rows}
    sent = read_sent(sent_path)
    times = Counter(m["text"] for m in sent)
    by_text = {body: st for _, st, body, _ in rows}
    went_out = {"sent", "delivered", "read"}

    assert len(rows) == MESSAGES, "every accepted message is still in the outbox"
    assert set(status.values()) <= went_out | {"unknown"}, Counter(status.values())
    duplicates = [text for text, n in times.items() if n > 1]
    assert duplicates == [], "sent twice"
    assert all(by_text[text] in went_out | {"unknown"} for text in times), "sent but not recorded"
    recorded_out = {body for _, st, body, _ in rows if st in went_out}
    assert recorded_out <= set(times), "recorded as sent but WhatsApp never got it"
    unknown = sum(1 for st in status.values() if st == "unknown")
    assert used == len(recorded_out) + unknown and reserved == 0, (used, reserved)
    # Every `sending` the kills caught became unknown; the rest went out in order.
    order = [m["text"] for m in sent]
    assert order == sorted(order, key=lambda t: int(t[1:])), "out of order"

    summary = {
        "seed": SEED,
        "runs": RUNS,
        "kills": kills,
        "messages": MESSAGES,
        "lost": MESSAGES - len(rows),
        "sent_by_whatsapp": len(sent),
        "duplicates": len(duplicates),
        "unknown": unknown,
        "unknown_that_arrived": sum(1 for t in times if by_text[t] == "unknown"),
        "quota_used": used,
        "seconds": round(campaign_seconds, 1),
    }
    print(json.dumps(summary))
    if RESULTS:
        Path(RESULTS).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
