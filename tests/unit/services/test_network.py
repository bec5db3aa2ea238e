"""Network-back and wake-from-sleep detection, with injected clocks and probes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from lila_desktop.services import network
from lila_desktop.services.network import NetworkMonitor, dns_probe


@pytest.mark.asyncio
async def test_reports_the_network_coming_back_once() -> None:
    answers = iter([False, False, True, True, False, True])
    seen: list[str] = []
    monitor = NetworkMonitor(seen.append, probe=lambda: next(answers), interval=0.01)
    for _ in range(6):
        await monitor.check()
    assert seen == ["network", "network"]


class _Sleeps:
    """Stands in for the monitor's `asyncio`: records the waits it asks for and
    yields at once, so a test follows its rhythm without waiting on a clock."""

    wait_for = staticmethod(asyncio.wait_for)

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


async def _until(done: Callable[[], bool]) -> None:
    while not done():  # each pass lets the monitor's task run one step
        await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_reports_a_wake_when_the_wall_clock_jumps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network, "asyncio", _Sleeps())
    wall = [1000.0]
    reads: list[float] = []
    seen: list[str] = []

    def tick_wall() -> float:
        reads.append(wall[0])
        return wall[0]

    monitor = NetworkMonitor(
        seen.append, probe=None, interval=0.01, wall=tick_wall, monotonic=lambda: 50.0
    )
    task = asyncio.get_running_loop().create_task(monitor.run())
    await asyncio.wait_for(_until(lambda: len(reads) >= 3), 5)
    assert seen == []  # two rounds with both clocks still: no wake
    wall[0] += 3600  # an hour of sleep: monotonic stood still
    await asyncio.wait_for(_until(lambda: bool(seen)), 5)
    task.cancel()
    assert seen == ["wake"]


@pytest.mark.asyncio
async def test_probes_more_often_while_the_network_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sleeps = _Sleeps()
    monkeypatch.setattr(network, "asyncio", sleeps)
    answers = [True, False]  # reachable, then gone for good
    probes: list[bool] = []

    def probe() -> bool:
        probes.append(answers[min(len(probes), len(answers) - 1)])
        return probes[-1]

    monitor = NetworkMonitor(lambda why: None, probe=probe, interval=0.2, offline_interval=0.02)
    task = asyncio.get_running_loop().create_task(monitor.run())
    await asyncio.wait_for(_until(lambda: len(probes) >= 6), 5)
    task.cancel()
    # Online: the slow interval; once a probe failed, the fast one every time.
    assert sleeps.asked[:6] == [0.2, 0.2, 0.02, 0.02, 0.02, 0.02]


def test_dns_probe_answers_false_for_an_unresolvable_name() -> None:
    assert dns_probe("name.invalid") is False


@pytest.mark.asyncio
async def test_os_reports_act_on_flips_and_the_probe_does_not_repeat_them() -> None:
    answers = iter([False, False, True])
    seen: list[str] = []
    monitor = NetworkMonitor(
        lambda why: seen.append(f"up {why}"),
        on_down=lambda why: seen.append(f"down {why}"),
        probe=lambda: next(answers),
    )
    monitor.report(True, "os")  # the first verdict: nothing to undo
    monitor.report(False, "os")  # confirmed by the probe (it fails), then told
    monitor.report(False, "os")
    await asyncio.gather(*monitor._confirming)
    await monitor.check()  # fails while offline
    monitor.report(True, "os")
    await monitor.check()  # succeeds: the OS already said so
    assert seen == ["down os", "up os"]


@pytest.mark.asyncio
async def test_offline_by_the_os_but_whatsapp_resolves_keeps_dialling() -> None:
    """No default route, yet the name resolves (a proxy, a hosts entry): no NetworkDown."""
    seen: list[str] = []
    monitor = NetworkMonitor(
        lambda why: seen.append("up"), on_down=lambda why: seen.append("down"), probe=lambda: True
    )
    monitor.report(True, "os")
    monitor.report(False, "os")
    await asyncio.gather(*monitor._confirming)
    assert seen == []
