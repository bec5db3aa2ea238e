"""The real engine against a local WhatsApp that fails (NEONIZE_NOTES hazard 18).

Each fault runs in its own private network and mount namespace (`unshare
-mn`, root only): web.whatsapp.com resolves to 127.0.0.1, where
`fault_server.py` fails in one way. The number has a store that looks paired
(the whatsmeow schema plus a device row), so it must never ask for a QR code.
All faults run at once (each child mostly waits on whatsmeow's own timeouts).
LILA_FAULTS_FULL=1 watches two failures per fault instead of one (the
backoff's second step; about a minute).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.faults.fault_server import MODES

# All faults run at once in the first test's set-up; each child bounds its own wait.
pytestmark = [pytest.mark.neonize, pytest.mark.timeout(360)]

ROOT = Path(__file__).resolve().parents[2]
FULL = bool(os.environ.get("LILA_FAULTS_FULL"))
STOP_BOUND = 25.0  # the engine abandons a stop after 20 s (hazard 5)

# What whatsmeow says for each fault: the reason the owner's details show.
REASONS = {
    "refused": "connection refused",
    "blackhole": "TLS handshake timeout",
    "slow": "noise handshake failed: timed out waiting for handshake response",
    "tls_failure": "certificate signed by unknown authority",
    "ws_refusal": "expected handshake response status code 101 but got 403",
    "close_mid_handshake": "EOF",
    "garbage": "noise handshake failed",
}


def _namespaces_problem() -> str | None:
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux only"
    if os.geteuid() != 0:
        return "needs root for unshare -mn (CI runs the suite as root)"
    for tool in ("unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/test.sh installs it)"
    probe = subprocess.run(
        ["unshare", "-mn", "ip", "link", "set", "lo", "up"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return f"namespaces are not permitted here: {probe.stderr.strip()}"
    return None


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    problem = _namespaces_problem()
    if problem is not None:
        pytest.skip(problem)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = {}
    for mode in MODES:
        work = tmp_path_factory.mktemp(mode)
        children[mode] = subprocess.Popen(
            ["unshare", "-mn", sys.executable, "-m", "tests.faults.netns_child", mode, str(work)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
    results = {}
    for mode, child in children.items():
        out, err = child.communicate(timeout=400)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert child.returncode == 0 and lines, f"{mode} exited {child.returncode}:\n{err[-3000:]}"
        results[mode] = json.loads(lines[-1].removeprefix("RESULT "))
        print(f"fault {mode}: {results[mode]}")  # the figures for the report (pytest -s)
    return results


@pytest.mark.parametrize("mode", MODES)
def test_the_fault_is_survived_and_retried(faults: dict[str, dict[str, Any]], mode: str) -> None:
    r = faults[mode]
    assert not r.get("timed_out"), r
    assert r["engine_restarts"] == 0, "the engine aborted"
    # What the owner sees: connecting, then reconnecting by itself with the reason.
    assert r["statuses"][:2] == ["connecting", "reconnecting"], r["statuses"]
    assert REASONS[mode] in r["reason"]
    assert "no QR needed" in r["message"]
    # The backoff of the policy (0.5 s, then 1 s) drives the retries, not whatsmeow.
    assert r["retry_delays"][: 2 if FULL else 1] == ([0.5, 1.0] if FULL else [0.5])
    # A paired number never asks for a QR, and a failed dial never costs the login.
    assert r["qr_shown"] is False and r["still_paired"] is True


@pytest.mark.parametrize("mode", MODES)
def test_stop_and_resources_stay_bounded(faults: dict[str, dict[str, Any]], mode: str) -> None:
    r = faults[mode]
    assert r["statuses"][-1] == "stopped"
    assert r["stop_seconds"] < STOP_BOUND, "stop during a dial"
    # whatsmeow holds its socket lock through a handshake: a stop during the slow
    # server.s (3 s pause + 20 s Noise timeout) outlasts our 20 s bound and the
    # client is abandoned and counted; the engine recycles when they add up.
    assert r["stop_timeouts"] == (1 if FULL and mode == "slow" else 0)
    assert r["lingering"] == 0
    before, after = r["threads"], r["fds"]
    assert max(before) < 40 and max(after) < 64, (before, after)
