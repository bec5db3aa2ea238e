"""The window's network-change source: Qt's network information backends.

Qt listens to the OS (NetworkManager or GLib's monitor on Linux, the Network
List Manager on Windows, SystemConfiguration on macOS) and tells us the
moment reachability changes. Its verdict goes to the pool's NetworkMonitor
as an input like any other (services stay Qt-free); where Qt has no backend
the monitor keeps its own source (netlink on Linux, else a DNS probe).
"""

from __future__ import annotations

import logging

from PySide6.QtNetwork import QNetworkInformation

from lila_desktop.services.network import NetworkMonitor

logger = logging.getLogger(__name__)

R = QNetworkInformation.Reachability
# Local: links but no default route (NetworkManager's CONNECTED_LOCAL);
# Site: a route, but the internet check failed (a captive portal): a dial may work.
_ONLINE: dict[R, bool] = {R.Disconnected: False, R.Local: False, R.Site: True, R.Online: True}

_forwarding: list[NetworkMonitor] = []  # the monitor the one Qt instance reports to


def online(reachability: R) -> bool | None:
    """True/False for a verdict, None for Unknown (then nothing is reported)."""
    return _ONLINE.get(reachability)


def _forward(reachability: R) -> None:
    verdict = online(reachability)
    info = QNetworkInformation.instance()
    if verdict is not None and _forwarding and info is not None:
        _forwarding[0].report(verdict, f"qt-{info.backendName()}")


def attach_network_information(monitor: NetworkMonitor) -> str | None:
    """Make Qt's backend the monitor's source; the backend's name, or None if
    there is none (or the monitor takes no OS events: simulated WhatsApp)."""
    if not monitor.os_events:
        return None
    info = QNetworkInformation.instance()
    if info is None:
        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            logger.info("no Qt network information backend; the pool watches by itself")
            return None
        info = QNetworkInformation.instance()
        assert info is not None
        info.reachabilityChanged.connect(_forward)
    name = info.backendName()
    _forwarding[:] = [monitor]  # a pool built again (passphrase retry) takes over
    monitor.attach(f"qt-{name}")
    logger.info("network changes from Qt's %s backend", name)
    _forward(info.reachability())
    return name
