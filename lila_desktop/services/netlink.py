"""Linux network-change events from the kernel (rtnetlink), for headless mode.

The kernel multicasts every link and route change on an AF_NETLINK socket;
listening to it tells us the moment the network comes back, where a DNS
probe every 2 s tells us up to 2 s late. "Online" here means: a default
route (IPv4 or IPv6, any table but `local`) through a link that is up and
has carrier. On every burst of changes the state is read afresh (two small
dumps) instead of tracked message by message: nothing to get out of step.

Raw sockets and `struct` only: pyroute2 would do the parsing for us, but we
read four attributes of two message types.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import struct
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

logger = logging.getLogger(__name__)

NETLINK_ROUTE = 0
RTMGRP_LINK = 0x1
RTMGRP_IPV4_ROUTE = 0x40
RTMGRP_IPV6_ROUTE = 0x400
GROUPS = RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE

NLMSG_ERROR, NLMSG_DONE = 2, 3
RTM_NEWLINK, RTM_GETLINK = 16, 18
RTM_NEWROUTE, RTM_GETROUTE = 24, 26
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
RTA_OIF, RTA_TABLE = 4, 15
RT_TABLE_LOCAL = 255
RTN_UNICAST = 1
RTNH_F_LINKDOWN = 0x10
IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x1, 0x8, 0x40

_NLMSG = struct.Struct("=IHHII")  # len, type, flags, seq, pid
_IFINFO = struct.Struct("=BxHiII")  # family, type, index, flags, change
_RTMSG = struct.Struct(
    "=BBBBBBBBI"
)  # family, dst_len, src_len, tos, table, proto, scope, type, flags
_RTATTR = struct.Struct("=HH")


def _align(n: int) -> int:
    return (n + 3) & ~3


def _messages(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(type, payload) of each netlink message in one datagram."""
    offset = 0
    while offset + _NLMSG.size <= len(data):
        length, kind, _flags, _seq, _pid = _NLMSG.unpack_from(data, offset)
        if length < _NLMSG.size:
            return
        yield kind, data[offset + _NLMSG.size : offset + length]
        offset += _align(length)


def _attrs(payload: bytes, start: int) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    offset = start
    while offset + _RTATTR.size <= len(payload):
        length, kind = _RTATTR.unpack_from(payload, offset)
        if length < _RTATTR.size:
            break
        found[kind] = payload[offset + _RTATTR.size : offset + length]
        offset += _align(length)
    return found


@dataclass(frozen=True)
class DefaultRoute:
    family: int
    oif: int | None  # None: multipath or a nexthop object (not followed: counted up)
    table: int
    linkdown: bool


def parse_link(payload: bytes) -> tuple[int, bool]:
    """(index, usable): up, with carrier, and not the loopback."""
    _family, _type, index, flags, _change = _IFINFO.unpack_from(payload)
    usable = flags & IFF_UP and flags & IFF_RUNNING and not flags & IFF_LOOPBACK
    return index, bool(usable)


def parse_route(payload: bytes) -> DefaultRoute | None:
    """The route if it is a unicast default route, else None."""
    family, dst_len, _src, _tos, table, _proto, _scope, kind, flags = _RTMSG.unpack_from(payload)
    if dst_len != 0 or kind != RTN_UNICAST or family not in (socket.AF_INET, socket.AF_INET6):
        return None
    attrs = _attrs(payload, _RTMSG.size)
    if RTA_TABLE in attrs:
        table = struct.unpack("=I", attrs[RTA_TABLE][:4])[0]
    if table == RT_TABLE_LOCAL:
        return None
    oif = struct.unpack("=i", attrs[RTA_OIF][:4])[0] if RTA_OIF in attrs else None
    return DefaultRoute(family, oif, table, bool(flags & RTNH_F_LINKDOWN))


def is_online(links: dict[int, bool], routes: list[DefaultRoute]) -> bool:
    """A default route through a usable link: a dial can leave this computer."""
    for route in routes:
        if route.linkdown:
            continue
        if route.oif is None or links.get(route.oif, False):
            return True
    return False


def _dump(sock: socket.socket, kind: int, body: bytes, seq: int) -> Iterator[tuple[int, bytes]]:
    header = _NLMSG.pack(_NLMSG.size + len(body), kind, NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
    sock.send(header + body)
    while True:
        data = sock.recv(1 << 16)
        for msg_kind, payload in _messages(data):
            if msg_kind == NLMSG_DONE:
                return
            if msg_kind == NLMSG_ERROR:
                raise OSError(f"netlink dump {kind} refused")
            yield msg_kind, payload


def _netlink_socket(*, blocking: bool) -> socket.socket:
    """An rtnetlink socket; OSError elsewhere than Linux (mypy checks the
    Windows and macOS builds too, where these constants do not exist)."""
    if sys.platform != "linux":
        raise OSError("network-change events from netlink exist only on Linux")
    flags = socket.SOCK_RAW | socket.SOCK_CLOEXEC | (0 if blocking else socket.SOCK_NONBLOCK)
    return socket.socket(socket.AF_NETLINK, flags, NETLINK_ROUTE)


def read_state() -> bool:
    """Ask the kernel now: is there a usable default route?"""
    with _netlink_socket(blocking=True) as s:
        s.settimeout(2.0)
        s.bind((0, 0))
        links: dict[int, bool] = {}
        link_req = _IFINFO.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
        for kind, payload in _dump(s, RTM_GETLINK, link_req, 1):
            if kind == RTM_NEWLINK:
                index, usable = parse_link(payload)
                links[index] = usable
        routes: list[DefaultRoute] = []
        route_req = _RTMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0)
        for kind, payload in _dump(s, RTM_GETROUTE, route_req, 2):
            if kind == RTM_NEWROUTE and (route := parse_route(payload)) is not None:
                routes.append(route)
    return is_online(links, routes)


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "AF_NETLINK")


class NetlinkWatcher:
    """Calls `on_state(online)` now and after every link/route change that flips it."""

    def __init__(self, on_state: Callable[[bool], None]) -> None:
        self._on_state = on_state
        self._sock: socket.socket | None = None
        self.online: bool | None = None

    def start(self) -> None:
        """Subscribe, then read the state (so no change between the two is missed).
        Raises OSError where netlink is not available."""
        sock = _netlink_socket(blocking=False)
        try:
            sock.bind((0, GROUPS))
        except OSError:
            sock.close()
            raise
        self._sock = sock
        asyncio.get_running_loop().add_reader(sock.fileno(), self._readable)
        self._refresh()

    def close(self) -> None:
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None

    def _readable(self) -> None:
        assert self._sock is not None
        # Drain the burst (a link going down removes many routes), then read once.
        while True:
            try:
                self._sock.recv(1 << 16)
            except BlockingIOError:
                break
            except OSError as exc:  # ENOBUFS: messages were lost; the read below covers it
                logger.debug("netlink: %s", os.strerror(exc.errno or 0))
                break
        self._refresh()

    def _refresh(self) -> None:
        try:
            online = read_state()
        except OSError as exc:
            logger.warning("could not read the network state from the kernel: %s", exc)
            return
        if online != self.online:
            self.online = online
            self._on_state(online)
