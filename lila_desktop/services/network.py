"""Notice when the network comes back or the laptop wakes from sleep.

Either way the sessions should reconnect now instead of sitting out the rest
of their backoff (PRODUCT.md §1). Sleep shows as the wall clock jumping
ahead of the monotonic clock (which stands still while suspended).

Where it comes from: the OS's own notifications (in the window, Qt's network
information reports them through `report`; headless on Linux, the kernel's
netlink events), and a DNS probe for what the OS cannot see (the router's
uplink gone, the link still up). Only the OS says "offline" (the sessions
then wait for its "online" instead of dialling; a failed lookup alone can be
the resolver, not the network), and only once the probe agrees (WhatsApp may
be reachable without a default route). While the OS says offline the probe
rests.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable

from lila_desktop.services import netlink
from lila_desktop.services.blocking import run_blocking

logger = logging.getLogger(__name__)

PROBE_HOST = "web.whatsapp.com"
WAKE_JUMP = 30.0  # seconds the wall clock ran ahead of the monotonic one
# While the probe fails, probe this often: the NetworkUp that skips the backoff
# then comes within 2 s of the network's return, not within 10 s (a failing
# lookup offline is answered locally; bench/bench_recovery.py measures the gain).
OFFLINE_INTERVAL = 2.0


def dns_probe(host: str = PROBE_HOST) -> bool:
    """True if the host resolves: the first thing a WhatsApp dial needs."""
    try:
        socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return True


class NetworkMonitor:
    def __init__(
        self,
        on_up: Callable[[str], None],
        *,
        on_down: Callable[[str], None] | None = None,
        probe: Callable[[], bool] | None = dns_probe,
        os_events: bool = False,
        interval: float = 10.0,
        offline_interval: float = OFFLINE_INTERVAL,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_up = on_up
        self._on_down = on_down
        self._probe = probe
        self.os_events = os_events  # False for the simulated WhatsApp
        self.interval = interval
        self.offline_interval = min(offline_interval, interval)
        self._wall = wall
        self._monotonic = monotonic
        self._reachable: bool | None = None
        self._epoch = 0  # bumped by each OS report: a probe begun before it is void
        self.source: str | None = None  # the OS source in charge: "qt", "netlink"
        self.online: bool | None = None  # what that source said last
        self.told_offline = False  # NetworkDown went out (and no NetworkUp since)
        self._watcher: netlink.NetlinkWatcher | None = None
        self._confirming: set[asyncio.Task[None]] = set()

    def attach(self, source: str) -> None:
        """An OS source (the window's Qt backend) reports from now on instead
        of netlink. Then `report` its changes."""
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None
        self.source = source

    def report(self, online: bool, source: str) -> None:
        """An OS notification: act on the flips only."""
        before, self.online = self.online, online
        self._reachable = None  # the probe starts afresh: no second "up" for this one
        self._epoch += 1
        if online:
            self.told_offline = False
        if online and before is False:
            logger.info("the network is back (%s); reconnecting now", source)
            self._on_up(source)
        elif not online and before is not False and self._on_down is not None:
            if self._probe is None:
                self._down(source)
                return
            # Confirmed by the probe first: a machine that reaches WhatsApp
            # without a default route (a proxy, a hosts entry, a test's
            # namespace) must keep dialling. Offline, the lookup fails at once.
            task = asyncio.get_running_loop().create_task(self._confirm_down(source))
            self._confirming.add(task)
            task.add_done_callback(self._confirming.discard)

    def _down(self, source: str) -> None:
        logger.info("no network (%s): reconnecting when it is back", source)
        self.told_offline = True
        assert self._on_down is not None
        self._on_down(source)

    async def _confirm_down(self, source: str) -> None:
        assert self._probe is not None
        epoch = self._epoch
        try:
            resolves = await asyncio.wait_for(run_blocking(self._probe), 5.0)
        except TimeoutError:
            resolves = False
        if epoch != self._epoch:
            return  # the OS has changed its mind meanwhile
        if resolves:
            logger.info(
                "the OS says offline (%s), but %s resolves: retries go on", source, PROBE_HOST
            )
            return
        self._down(source)

    def _start_netlink(self) -> None:
        if self.source is not None or not self.os_events or not netlink.supported():
            return
        watcher = netlink.NetlinkWatcher(lambda online: self.report(online, "netlink"))
        try:
            self.source = "netlink"
            watcher.start()
        except OSError as exc:
            self.source = None
            logger.info("no netlink network events (%s); probing DNS instead", exc)
            return
        self._watcher = watcher

    async def run(self) -> None:
        self._start_netlink()
        try:
            await self._run()
        finally:
            if self._watcher is not None:
                self._watcher.close()
                self._watcher = None

    async def _run(self) -> None:
        last_wall, last_mono = self._wall(), self._monotonic()
        while True:
            offline = self._reachable is False
            await asyncio.sleep(self.offline_interval if offline else self.interval)
            wall, mono = self._wall(), self._monotonic()
            if (wall - last_wall) - (mono - last_mono) > WAKE_JUMP:
                logger.info("the laptop woke up; reconnecting now")
                self._on_up("wake")
            last_wall, last_mono = wall, mono
            if self._probe is not None and self.online is not False:
                await self.check()

    async def check(self) -> None:
        assert self._probe is not None
        epoch = self._epoch
        try:
            ok = await asyncio.wait_for(run_blocking(self._probe), 5.0)
        except TimeoutError:
            ok = False
        if epoch != self._epoch:
            return
        if ok and self._reachable is False:
            logger.info("the network is back; reconnecting now")
            self._on_up("network")
        self._reachable = ok
