"""Network-back and wake-from-sleep detection, with injected clocks and probes."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from lila_desktop.services.network import NetworkMonitor, dns_probe


@pytest.mark.asyncio
async def test_reports_the_network_coming_back_once() -> None:
    answers = iter([False, False, True, True, False, True])
    seen: list[str] = []
    monitor = NetworkMonitor(seen.append, probe=lambda: next(answers), interval=0.01)
    for _ in range(6):
        await monitor.check()
    assert seen == ["network", "network"]


@pytest.mark.asyncio
async def test_reports_a_wake_when_the_wall_clock_jumps() -> None:
    wall = [1000.0]
    mono = [50.0]
    seen: list[str] = []

    def tick_wall() -> float:
        return wall[0]

    monitor = NetworkMonitor(
        seen.append, probe=None, interval=0.01, wall=tick_wall, monotonic=lambda: mono[0]
    )
    task = asyncio.get_running_loop().create_task(monitor.run())
    await asyncio.sleep(0.03)
    assert seen == []
    wall[0] += 3600  # an hour of sleep: monotonic stood still
    await asyncio.sleep(0.03)
    task.cancel()
    assert seen == ["wake"]


@pytest.mark.asyncio
async def test_probes_more_often_while_the_network_is_down() -> None:
    answers = [True, False]  # reachable, then gone for good
    probes: list[float] = []
    loop = asyncio.get_running_loop()

    def probe() -> bool:
        probes.append(loop.time())
        return answers[min(len(probes), len(answers)) - 1]

    monitor = NetworkMonitor(lambda why: None, probe=probe, interval=0.2, offline_interval=0.02)
    task = loop.create_task(monitor.run())
    await asyncio.sleep(0.8)
    task.cancel()
    gaps = [b - a for a, b in itertools.pairwise(probes)]
    assert gaps[0] >= 0.15  # online: the slow interval
    assert len(gaps) > 5 and max(gaps[1:]) < 0.15  # offline: the fast one


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
