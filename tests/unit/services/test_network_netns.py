"""OS network-change notifications, for real, in a private network namespace.

Each test runs netns_scenario.py under `unshare -n` (root only): a veth link
is taken down and up with `ip`, and the kernel's notifications reach the
netlink watcher (headless), Qt's backend (the window), and through the
watcher a real pool and engine process.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


@functools.cache
def _why_not() -> str | None:
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux only"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare (util-linux) and ip (iproute2)"
    probe = subprocess.run(
        ["unshare", "-n", "ip", "link", "add", "t0", "type", "veth", "peer", "name", "t1"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"no private network namespace with a veth link here: {probe.stderr.strip()}"
    return None


def scenario(name: str) -> dict[str, Any]:
    reason = _why_not()
    if reason is not None:
        pytest.skip(reason)
    proc = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "tests.unit.services.netns_scenario", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_netlink_reports_link_down_and_up_and_carrier_loss() -> None:
    result = scenario("watcher")
    assert [step for step, _ in result["log"]] == [
        "start",
        "admin down",
        "admin up",
        "carrier lost",
        "carrier back",
    ]
    assert result["reports"] == [True, False, True, False, True]


def test_pool_does_not_dial_while_offline_and_dials_once_when_back() -> None:
    result = scenario("pool")
    assert result["source"] == "netlink"
    # The first retry fell due while the OS said offline: no dial into the void.
    assert result["offline_dials"] == 0
    assert result["status_while_offline"] == ["reconnecting"]
    assert result["notices"][:1] == ["down"]  # the owner is still told after the grace
    assert result["dials_to_recover"] == 1  # the link back: one dial, connected


def test_qt_backend_reports_the_same_link_changes() -> None:
    result = scenario("qt")
    if result["backend"] is None:
        pytest.skip("Qt found no network information backend here")
    assert result["first"] is True
    assert result["seen"] == ["down", "up"]
    assert result["source"] == f"qt-{result['backend']}"
