"""The app-level reliability campaign: seeded random faults against the real app.

    .venv/bin/python -m tests.chaos.campaign --runs 200 --sessions 8   # the long version
    LILA_CHAOS_RUNS=200 .venv/bin/pytest tests/chaos -m chaos           # the same via pytest

One data folder lives through the whole campaign. Each *run* is one life of
the app (`tests.chaos.fast_app`: the real app, policy timings x0.05): it
starts, must bring every linked number back by itself, takes a seeded random
sequence of faults (every disconnect class, network flaps, engine crashes
and kill -9 of the engine, replaced, temporary bans, logouts, corrupt
stores, outdated client, backups and restores, a full disk), and ends either
cleanly (SIGTERM) or by kill -9 of the whole app at a random moment,
including in the middle of a backup, a restore, a burst of seals or the
shutdown. Now and then the next start finds the key store gone (no keyring,
no passphrase) and must refuse plainly without touching anything.

Invariants, checked every run (see `Report.checks`): every linked number is
connected again by itself; a number that waits for the owner (QR, logged out,
failed, replaced, outdated, stopped) is a violation unless a fault that
legitimately needs the owner hit it (tests/chaos/verdicts.py), and only then
does the campaign restore it or press Connect, counting the action with its
cause; no QR code ever; no unhandled exception, and no caught-and-logged one
that the injected fault does not explain; no half-written file; no plaintext
credential at rest after a clean shutdown; file handles bounded; the engine
never outlives the app; a missing key is refused with nothing changed. The
campaign always ends with one more life of the app and its clean shutdown.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.harness.app_process import PASSPHRASE, AppProcess, wait_gone
from lila_desktop.services.vault import PassphraseKeyStore, default_runtime_dir
from lila_desktop.services.vault.keystores import KeyringKeyStore
from tests.chaos import invariants, verdicts
from tests.chaos.disk import Disk
from tests.chaos.fast_app import scaled_policy

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
TRANSIENT = (408, 428, 500, 503, 515)
LOGOUTS = (401, 403, 406)
SETTLE_S = 25.0  # backoff cap is 3 s at scale 0.05; a ban lasts at most 2 s
PARKED_S = 3.0  # a status must last this long before the 'owner' acts on it
FD_SLACK = 12  # open handles may vary this much around the first run's count
# Fault -> weight. Faults that need the owner afterwards are rarer, as in life.
FAULTS: dict[str, int] = {
    "disconnect": 10,
    "network_flap": 4,
    "engine_crash": 2,
    "engine_kill9": 2,
    "replaced": 2,
    "temp_ban": 2,
    "logout": 1,
    "corrupt_store": 1,
    "outdated": 1,
    "backup": 3,
    "restore": 2,
    "disk_full": 1,
}
ENDINGS = ("clean", "kill_idle", "kill_backup", "kill_restore", "kill_seal", "kill_shutdown")


@dataclass
class Config:
    runs: int = 6
    sessions: int = 4
    steps: int = 6
    seed: int = 20260128
    scale: float = 0.05
    keyring_gone_every: int = 4  # one start in this many finds no key store
    faults: dict[str, int] = field(default_factory=lambda: dict(FAULTS))
    transient: tuple[int, ...] = TRANSIENT
    env: dict[str, str] = field(default_factory=dict)  # e.g. a product mutant for fast_app


@dataclass
class Report:
    runs: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    endings: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    # "<action> <status> after <cause>": every press of the owner's buttons, with why
    owner_actions: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)  # not violations; worth a look
    fds: dict[str, list[int]] = field(default_factory=lambda: {"app": [], "engine": []})
    disk_mode: str = ""
    key_mode: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it rebuilds a Counter from (key, value) pairs.
        out: dict[str, Any] = {
            name: dict(value) if isinstance(value, Counter) else value
            for name, value in vars(self).items()
        }
        out["faults_total"] = sum(self.faults.values())
        out["kills_total"] = sum(v for k, v in self.endings.items() if k.startswith("kill"))
        out["invariant_violations"] = len(self.violations)
        out["fds"] = {k: {"min": min(v), "max": max(v)} if v else {} for k, v in self.fds.items()}
        return out


class Campaign:
    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self.rng = random.Random(config.seed)
        self.data_dir = root / "data"
        self.phones = [f"5196{i:07d}" for i in range(config.sessions)]
        self.report = Report()
        self.disk = Disk(root, self.data_dir)
        self.app: AppProcess | None = None
        self.key = b""
        # Faults aimed at each number since it was last seen connected; what
        # happened in this life of the app (some verdicts depend on it).
        self.history: dict[str, list[str]] = {p: [] for p in self.phones}
        self.trails = {p: verdicts.ReplacedTrail() for p in self.phones}
        self.stable_after = scaled_policy(config.scale).stable_after
        self.life_faults: set[str] = set()
        self._log_from = 0  # QR lines before this index belong to the first linking
        self._deck: list[str] = []
        self._previous_lines: list[dict[str, Any]] = []  # the last life's log, for anomalies
        # Under scripts/with-keyring.sh (CI) the app keeps its key in a real, private
        # Secret Service; elsewhere in a passphrase (never in someone's own keyring).
        self.key_mode = "keyring" if os.environ.get("LILA_KEYRING_TMP") else "passphrase"

    # --- plumbing -------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = {"LILA_CHAOS_POLICY_SCALE": str(self.config.scale)}
        env["LILA_SIM_SEED"] = str(self.rng.randrange(2**31))
        return env | self.disk.env() | self.config.env

    def _start(self) -> AppProcess:
        passphrase = PASSPHRASE if self.key_mode == "passphrase" else None
        for trail in self.trails.values():
            trail.restarts.append(time.time())  # a new app: the policy counts afresh
        app = AppProcess(self.data_dir, fast=True, env=self._env(), passphrase=passphrase)
        app.wait_ready(60)
        self.app = app
        self._log_from = 0
        self.life_faults.clear()
        return app

    def violation(self, what: str) -> None:
        self.report.violations.append(f"run {self.report.runs}: {what}")

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.report.checks[name] += 1
        if not ok:
            self.violation(f"{name}: {detail}")

    # --- the campaign ---------------------------------------------------------

    def run(self) -> Report:
        t0 = time.monotonic()
        self.report.disk_mode = self.disk.setup()
        self.report.key_mode = self.key_mode
        try:
            app = self._start()
            for phone in self.phones:
                app.link(phone)
            self._log_from = len(app.lines)
            self.key = self._load_key()
            for _ in range(self.config.runs):
                self.one_run()
            # The last life always ends cleanly, so its checks run every campaign.
            app = self.app or self._start()
            self.settle(app)
            self.report.endings["final_clean"] += 1
            self._end_clean(app)
        finally:
            if self.app is not None:
                self.app.close()
            self.disk.teardown()
        self.report.seconds = round(time.monotonic() - t0, 1)
        return self.report

    def _load_key(self) -> bytes:
        if self.key_mode == "keyring":
            key = KeyringKeyStore().load_key()
        else:
            key = PassphraseKeyStore(self.data_dir, PASSPHRASE).load_key()
        assert key is not None
        return key

    def one_run(self) -> None:
        self.report.runs += 1
        app = self.app or self._start()
        self.settle(app)
        faults = self.config.faults
        for _ in range(self.config.steps):
            fault = self.rng.choices(list(faults), weights=list(faults.values()))[0]
            self.report.faults[fault] += 1
            self.inject(app, fault)
        if not self._deck:  # every ending comes up once before any comes twice
            self._deck = self.rng.sample(ENDINGS, len(ENDINGS))
        ending = self._deck.pop()
        if ending == "clean" or self.rng.random() < 0.5:
            self.settle(app)  # else the kill meets numbers in the middle of reconnecting
        usage = app.usage()
        for role in ("app", "engine"):
            if role in usage:
                self.report.fds[role].append(int(usage[role]["fds"]))
        self._check_fds()
        self.report.endings[ending] += 1
        if ending == "clean":
            self._end_clean(app)
        else:
            self._end_kill(app, ending)
        self._previous_lines = app.lines
        for phone, trail in self.trails.items():
            trail.statuses += verdicts.status_lines(app.lines, phone)
        self.app = None
        if self.report.runs % self.config.keyring_gone_every == 0:
            self.keyring_gone()

    # --- faults -----------------------------------------------------------------

    def _connected(self, app: AppProcess) -> list[str]:
        statuses = app.sessions()
        return [p for p in self.phones if statuses.get(p) == "connected"]

    def churn(self, phone: str) -> None:
        """Write to a live store as whatsmeow does while connected (new keys,
        contacts), so that seals and backups have something new to write."""
        live = default_runtime_dir(self.data_dir.resolve()) / f"{phone}.db"
        if not live.exists():
            return
        n = self.rng.randrange(10**9)
        try:
            with contextlib.closing(sqlite3.connect(live, timeout=5)) as conn, conn:
                conn.execute(
                    "INSERT OR REPLACE INTO whatsmeow_lid_map VALUES (?, ?)", (f"{n}@lid", f"{n}@s")
                )
        except sqlite3.Error as exc:  # gone between the check and the write, or busy
            self.report.notes[f"churn_skipped: {exc}"[:60]] += 1

    def inject(self, app: AppProcess, fault: str) -> None:
        up = self._connected(app)
        phone = self.rng.choice(up or self.phones)
        if up and self.rng.random() < 0.7:
            self.churn(self.rng.choice(up))
        self._aim(phone, fault)
        rng = self.rng
        if fault == "disconnect":
            app.simulate(phone, "disconnect", code=rng.choice(self.config.transient))
        elif fault == "network_flap":
            app.simulate(phone, "network_down")
            time.sleep(rng.uniform(0.0, 0.5))
            self._network_back(app, phone)
        elif fault == "engine_crash":
            app.simulate(phone, "engine_crash")
        elif fault == "engine_kill9":
            engine = app.engine()
            if engine is not None:
                with contextlib.suppress(Exception):
                    engine.kill()
        elif fault in ("replaced", "corrupt_store", "outdated"):
            app.simulate(phone, fault)
        elif fault == "temp_ban":
            app.simulate(phone, "temp_ban", seconds=round(rng.uniform(0.5, 2.0), 2))
        elif fault == "logout":
            app.simulate(phone, "logout", code=rng.choice(LOGOUTS))
        elif fault == "backup":
            resp = app.call("POST", f"/api/sessions/{phone}/backups")
            self.check("api_no_500", resp.status < 500, f"backup -> {resp.status} {resp.body}")
        elif fault == "restore":
            resp = app.call("POST", f"/api/sessions/{phone}/restore", {})
            self.check("api_no_500", resp.status < 500, f"restore -> {resp.status} {resp.body}")
            if resp.status == 200:  # the restore started the number again: a new count
                self.trails[phone].restarts.append(time.time())
        elif fault == "disk_full":
            self.disk_full(app)
        time.sleep(rng.uniform(0.0, 0.3))

    def _aim(self, phone: str, fault: str) -> None:
        self.history[phone].append(fault)
        self.life_faults.add(fault)
        if fault == "replaced":
            self.trails[phone].faults.append(time.time())  # the clock of the app's log

    def _network_back(self, app: AppProcess, phone: str) -> None:
        """The network comes back, for sure: a 503 (the engine was restarting when
        asked) would otherwise leave the simulated network down for good."""
        deadline = time.monotonic() + 30
        while (resp := app.simulate(phone, "network_up")).status != 200:
            self.report.notes[f"network_up_answered_{resp.status}"] += 1
            if time.monotonic() > deadline:
                self.violation(f"network_up refused for 30 s: {resp.status} {resp.body}")
                return
            time.sleep(0.2)

    def disk_full(self, app: AppProcess) -> None:
        """Fill the data folder's disk, keep working a moment, then free it."""
        self.disk.fill()
        try:
            for _ in range(3):
                phone = self.rng.choice(self.phones)
                self.history[phone].append("disk_full")
                if self.rng.random() < 0.5:
                    app.simulate(phone, "disconnect", code=self.rng.choice(self.config.transient))
                else:
                    self.churn(phone)
                    resp = app.call("POST", f"/api/sessions/{phone}/backups")
                    self.report.notes[f"backup_on_full_disk_{resp.status}"] += 1
                    self.check(
                        "full_disk_answer_is_clear",
                        resp.status != 500
                        and (resp.status < 400 or "disk" in str(resp.body).lower()),
                        f"backup on a full disk -> {resp.status} {resp.body}",
                    )
                time.sleep(self.rng.uniform(0.05, 0.3))
            self.check("alive_on_full_disk", app.proc.poll() is None, "the app died")
        finally:
            self.disk.free()

    # --- settling and the per-run checks -------------------------------------

    def settle(self, app: AppProcess) -> None:
        """Every linked number back by itself; the owner acts only where a fault
        legitimately needs them, and any other number waiting for them is lost."""
        deadline = time.monotonic() + SETTLE_S
        # One press per time a number comes to need the owner, and per status no
        # more than the faults that explain it (verdicts.presses_allowed).
        acted: set[tuple[str, str, float]] = set()  # (number, status, since)
        presses: Counter[tuple[str, str]] = Counter()
        since: dict[str, tuple[str | None, float]] = {}
        while True:
            statuses = app.sessions()
            now = time.monotonic()
            for phone in self.phones:
                if statuses.get(phone) == "connected":
                    self.history[phone].clear()
            pending = [p for p in self.phones if statuses.get(p) != "connected"]
            if not pending:
                break
            for phone in pending:
                status = statuses.get(phone)
                if since.get(phone, (None, 0.0))[0] != status:
                    since[phone] = (status, now)
                if status not in verdicts.NEEDS_OWNER or (phone, status, since[phone][1]) in acted:
                    continue
                if presses[(phone, str(status))] >= verdicts.presses_allowed(
                    str(status), self.history[phone]
                ):
                    continue
                # Right after a start a number is 'stopped' until its supervisor
                # runs; a first 'replaced' retries by itself after 1.5 s.
                lasting = now - since[phone][1] >= PARKED_S
                if status in ("replaced", "stopped") and not lasting:
                    continue
                acted.add((phone, str(status), since[phone][1]))
                presses[(phone, str(status))] += 1
                self._owner_acts(app, phone, str(status))
            if time.monotonic() > deadline:
                for phone in pending:
                    self.violation(f"{phone} not back: {statuses.get(phone)}")
                tail = [
                    f"{ln.get('level')} {ln.get('logger')}: {str(ln.get('msg'))[:160]}"
                    for ln in app.lines[-40:]
                ]
                self.report.anomalies.append(f"run {self.report.runs}: last log lines: {tail}")
                break
            time.sleep(0.1)
        self.report.checks["linked_back"] += len(self.phones)

    def _owner_acts(self, app: AppProcess, phone: str, status: str) -> None:
        """What the owner would press; a violation unless a fault explains the need."""
        history = self.history[phone]
        trail = self.trails[phone].with_statuses(verdicts.status_lines(app.lines, phone))
        cause = verdicts.legitimate_cause(status, history, trail, self.stable_after)
        self.check(
            "no_owner_needed_without_cause",
            cause is not None,
            f"{phone} needs the owner ({status}) after {history or 'no fault'}: "
            f"{self._said_about(app, phone)}",
        )
        action = "restore" if status in verdicts.RESTORED else "connect"
        self.report.owner_actions[f"{action} {status} after {cause or 'NO CAUSE'}"] += 1
        if action == "connect":
            self.trails[phone] = verdicts.ReplacedTrail()  # taken over: a new count from here
            resp = app.call("POST", "/api/sessions", {"phoneNumber": phone})
            self.check("connect_accepted", resp.status < 300, f"{phone}: {resp.status} {resp.body}")
            return
        resp = app.call("POST", f"/api/sessions/{phone}/restore", {})
        if resp.status == 200:  # the restore started the number again: a new count
            self.trails[phone].restarts.append(time.time())
        self.check(
            "restorable",
            resp.status == 200 and self._restore_answer_ok(app, phone, resp.body),
            f"{phone}: restore -> {resp.status} {resp.body}",
        )

    def _restore_answer_ok(self, app: AppProcess, phone: str, body: Any) -> bool:
        trail = self.trails[phone].with_statuses(verdicts.status_lines(app.lines, phone))
        ok, cause = verdicts.restore_answer(body, self.history[phone], trail, self.stable_after)
        if ok and cause is not None:
            self.report.notes[f"restore met {cause}"] += 1
        return ok

    def _said_about(self, app: AppProcess, phone: str) -> list[str]:
        """The app's last warnings and errors about a number (for a violation's detail)."""
        said = [
            f"{ln.get('previous')}->{ln.get('status')} on {ln.get('cause')}"
            if ln.get("event") == "status"
            else f"{ln.get('level')}: {str(ln.get('msg'))[:200]}"
            for ln in [*self._previous_lines, *app.lines]
            if (ln.get("phone") == phone or phone in str(ln.get("msg")))
            and (ln.get("level") in ("warning", "error") or ln.get("event") == "status")
        ]
        return said[-10:]

    def _check_fds(self) -> None:
        for role, seen in self.report.fds.items():
            if len(seen) >= 2:
                self.check(
                    "fds_bounded",
                    seen[-1] <= seen[0] + FD_SLACK,
                    f"{role} fds {seen[0]}->{seen[-1]}",
                )

    def _check_log(self, app: AppProcess) -> None:
        """Once per life of the app, when it has ended."""
        qr = [
            ln
            for ln in app.lines[self._log_from :]
            if ln.get("event") == "status" and ln.get("status") == "qr"
        ]
        self.check("no_qr_after_transient", not qr, f"QR shown: {qr[:2]}")
        self.check("no_unhandled_exception", not app.unhandled(), f"{app.unhandled()[:3]}")
        for line in verdicts.logged_exceptions(app.lines):
            fault = verdicts.explaining_fault(line, self.life_faults)
            key = verdicts.exception_key(line)
            self.check(
                "logged_exception_explained",
                fault is not None,
                f"{key} (faults in this life: {sorted(self.life_faults)})",
            )
            if fault is not None:
                self.report.notes[f"logged_exception after {fault}: {key}"] += 1

    # --- endings ---------------------------------------------------------------

    def _end_clean(self, app: AppProcess) -> None:
        engines = [p.pid for p in app.processes()[1:]]
        code = app.terminate(60)
        self.check("clean_exit", code == 0, f"exit code {code}: {app.lines[-3:]}")
        self._check_log(app)
        self.check("engine_exits_with_app", not wait_gone(engines), "engine left running")
        plain = invariants.plaintext_at_rest(self.data_dir)
        self.check("no_plaintext_after_shutdown", not plain, f"{plain[:3]}")
        self._check_files()
        self.app = None

    def _end_kill(self, app: AppProcess, ending: str) -> None:
        phone = self.rng.choice(self.phones)
        background: Callable[[], Any] | None = None
        if ending == "kill_backup":
            background = lambda: app.call("POST", f"/api/sessions/{phone}/backups")  # noqa: E731
        elif ending == "kill_restore":
            background = lambda: app.call("POST", f"/api/sessions/{phone}/restore", {})  # noqa: E731
        elif ending == "kill_seal":
            background = lambda: app.simulate(phone, "network_down")  # noqa: E731
        for target in self.phones:
            self.churn(target)  # so the seals and backups below really write
        if background is not None:
            threading.Thread(target=_quietly(background), daemon=True).start()
            time.sleep(self.rng.uniform(0.0, 0.06))
        elif ending == "kill_shutdown":
            with contextlib.suppress(ProcessLookupError):
                app.proc.terminate()
            time.sleep(self.rng.uniform(0.0, 0.4))
        else:
            time.sleep(self.rng.uniform(0.0, 0.2))
        engines = app.kill9()
        self._check_log(app)
        self.check("engine_exits_with_app", not wait_gone(engines), "engine outlived the app")
        self._check_files()

    def _check_files(self) -> None:
        problems = invariants.check_files(self.data_dir, self.key)
        self.check("no_half_written_file", not problems, f"{problems[:3]}")

    def keyring_gone(self) -> None:
        """Start with no key store at all: a plain refusal, nothing touched."""
        self.report.faults["keyring_gone"] += 1
        before = invariants.fingerprint(self.data_dir)
        env = self._env() | {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/lila-chaos"}
        app = AppProcess(self.data_dir, fast=True, env=env, passphrase=None)
        try:
            code = app.proc.wait(60)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            app.close()
        app._reader.join(5)
        said = " ".join(str(ln.get("msg")) for ln in app.lines)
        self.check("keyring_refused", code == 2, f"exit {code}: {said[-300:]}")
        self.check(
            "keyring_refusal_says_what_to_do",
            "keyring" in said.lower() and "LILA_VAULT_PASSPHRASE" in said,
            said[-300:],
        )
        self.check("keyring_nothing_changed", invariants.fingerprint(self.data_dir) == before)


def _quietly(fn: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        with contextlib.suppress(Exception):
            fn()

    return run


def config_from_env(**overrides: Any) -> Config:
    runs = int(os.environ.get("LILA_CHAOS_RUNS", "0") or 0)
    config = Config(**overrides)
    if runs:
        config.runs = runs
        config.sessions = int(os.environ.get("LILA_CHAOS_SESSIONS", "8"))
    if os.environ.get("LILA_CHAOS_SEED"):
        config.seed = int(os.environ["LILA_CHAOS_SEED"])
    return config


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One report from campaigns run side by side (`--jobs`): counts add up,
    violations and anomalies keep the job they came from, time is the wall time."""
    merged: dict[str, Any] = {"jobs": len(parts), "seeds": [p["config"]["seed"] for p in parts]}
    for key in ("config", "machine", "disk_mode", "key_mode"):
        merged[key] = parts[0][key]
    for key in ("faults", "endings", "checks", "notes", "owner_actions"):
        total: Counter[str] = Counter()
        for part in parts:
            total.update(part[key])
        merged[key] = dict(total)
    for key in ("violations", "anomalies"):
        merged[key] = [f"job {i}: {v}" for i, p in enumerate(parts) for v in p[key]]
    for key in ("runs", "faults_total", "kills_total", "invariant_violations"):
        merged[key] = sum(p[key] for p in parts)
    merged["fds"] = {
        role: {
            "min": min(p["fds"][role]["min"] for p in parts if p["fds"].get(role)),
            "max": max(p["fds"][role]["max"] for p in parts if p["fds"].get(role)),
        }
        for role in ("app", "engine")
        if any(p["fds"].get(role) for p in parts)
    }
    merged["seconds"] = max(p["seconds"] for p in parts)
    return merged


def _run_jobs(args: argparse.Namespace) -> dict[str, Any]:
    """`--jobs N`: N campaigns at once, each its own app, data folder and seed
    (the campaign mostly waits on the app, so they share two cores well)."""
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lila-chaos-jobs-") as tmp:
        outs = [Path(tmp) / f"job{i}.json" for i in range(args.jobs)]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.chaos.campaign",
                    f"--runs={args.runs // args.jobs + (i < args.runs % args.jobs)}",
                    f"--sessions={args.sessions}",
                    f"--steps={args.steps}",
                    f"--seed={args.seed + i}",
                    f"--out={out}",
                ],
                stdout=subprocess.DEVNULL,
            )
            for i, out in enumerate(outs)
        ]
        codes = [proc.wait() for proc in procs]
        if any(codes):
            raise SystemExit(f"a campaign job failed: exit codes {codes}")
        return merge([json.loads(out.read_text()) for out in outs])


def main() -> None:
    parser = argparse.ArgumentParser(description="The app-level chaos campaign.")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--seed", type=int, default=20260128)
    parser.add_argument("--jobs", type=int, default=1, help="campaigns side by side, merged")
    parser.add_argument("--out", type=Path, default=RESULTS / "chaos.json")
    args = parser.parse_args()
    import tempfile

    if args.jobs > 1:
        result = _run_jobs(args)
    else:
        config = Config(runs=args.runs, sessions=args.sessions, steps=args.steps, seed=args.seed)
        with tempfile.TemporaryDirectory(prefix="lila-chaos-") as tmp:
            report = Campaign(Path(tmp), config).run()
        result = {
            "machine": {
                "platform": platform.platform(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            },
            "config": asdict(config),
            **report.as_dict(),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
