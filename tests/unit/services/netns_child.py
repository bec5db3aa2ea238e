"""Run inside `unshare --mount --net` by test_dns_probe_netns.py (root only).

A private network namespace starts with its loopback down and no route at
all. The real DNS probe and NetworkMonitor are asked there three times: no
route; loopback up but no DNS server; a DNS server answering on loopback
(/etc/resolv.conf is bind-mounted, in this mount namespace only, to point at
it). Prints what each said as one JSON line.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from lila_desktop.services.network import NetworkMonitor, dns_probe

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def resolver_at_loopback() -> None:
    conf = Path(tempfile.mkdtemp()) / "resolv.conf"
    conf.write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    subprocess.run(["mount", "--bind", str(conf), "/etc/resolv.conf"], check=True)


def dns_server(sock: socket.socket) -> None:
    """Answers every A question with 127.0.0.1 and every other with no record."""
    while True:
        try:
            query, peer = sock.recvfrom(512)
        except OSError:
            return
        question = query[12 : 12 + query[12:].index(b"\x00") + 5]
        answer = b""
        if question[-4:-2] == b"\x00\x01":  # type A
            answer = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([127, 0, 0, 1])
        counts = b"\x00\x01" + (1 if answer else 0).to_bytes(2, "big") + b"\x00\x00\x00\x00"
        sock.sendto(query[:2] + b"\x81\x80" + counts + question + answer, peer)


async def main() -> dict[str, Any]:
    resolver_at_loopback()
    said: list[str] = []
    monitor = NetworkMonitor(said.append)
    out: dict[str, Any] = {"no_route": dns_probe()}
    await monitor.check()
    loopback_up()
    out["route_no_server"] = dns_probe()
    await monitor.check()
    out["said_before_dns"] = list(said)
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 53))
    threading.Thread(target=dns_server, args=(server,), daemon=True).start()
    out["with_dns"] = dns_probe()
    await monitor.check()
    out["said"] = said
    server.close()
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
    sys.stdout.flush()
