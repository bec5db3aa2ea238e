"""The DNS connectivity probe and the network monitor for real, in a private
network namespace: no route, then a route without DNS, then DNS answering.

Every other "network back" in the pool, e2e and chaos tests is an injected
event (the simulated transport switches the probe off); this one is the
real `socket.getaddrinfo` against a real (namespaced) network stack.
Needs root and `unshare` (util-linux); skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _unshare() -> str:
    found = shutil.which("unshare")
    if found is None:
        pytest.skip("unshare (util-linux) is not installed")
    if os.geteuid() != 0:
        pytest.skip("a private network namespace needs root here")
    probe = subprocess.run([found, "--mount", "--net", "true"], capture_output=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"namespaces not permitted: {probe.stderr.decode().strip()}")
    return found


def test_the_probe_sees_no_route_then_no_dns_then_the_network_back() -> None:
    unshare = _unshare()
    child = subprocess.run(
        [unshare, "--mount", "--net", sys.executable, "-m", "tests.unit.services.netns_child"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    said = json.loads(child.stdout.strip().splitlines()[-1])
    assert said["no_route"] is False  # loopback down, no route at all
    assert said["route_no_server"] is False  # a route, but nothing answers DNS
    assert said["said_before_dns"] == []  # no "network back" while it is not
    assert said["with_dns"] is True
    assert said["said"] == ["network"]  # the monitor told the pool, once
