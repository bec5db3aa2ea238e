"""The real neonize adapter's half of the conformance scenarios, in a child process.

    python conformance_probe.py WORKDIR

Each case is one real-world scenario as whatsmeow tells it to neonize (its
events, in order, through neonize's own Go-callback entry points; see
neonize_probe.py), on a fresh offline client. The first event of every client
is the offline DNS failure; what follows is what the pool would see. One JSON
line per case: {"kind": "case", "name", "events"}. test_transport_conformance
holds the expected events, the same for the simulator.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from tests.unit.services.neonize_probe import (
    ConnectedEv,
    DisconnectedEv,
    KeepAliveRestoredEv,
    KeepAliveTimeoutEv,
    LoggedOutEv,
    NeonizeTransport,
    Recorder,
    dispatch,
    go_callback,
    out,
)

GRACE = 0.3  # our reconnect grace here (10 s in the app)


def _keepalive(age: float) -> Any:
    return KeepAliveTimeoutEv(ErrorCount=1, LastSuccess=int(time.time() - age))


# whatsmeow's side of each scenario; "wait" = let our grace run out.
CASES: dict[str, list[Any]] = {
    # A socket close: whatsmeow's Disconnected has no code, it reconnects at once.
    "plain_drop_repaired": [
        ConnectedEv(status=True),
        DisconnectedEv(status=True),
        ConnectedEv(status=True),
    ],
    "plain_drop_not_repaired": [ConnectedEv(status=True), DisconnectedEv(status=True), "wait"],
    # Keep-alives unanswered for a minute, then answered again; then for 200 s.
    "stall_short": [
        ConnectedEv(status=True),
        _keepalive(25),
        _keepalive(60),
        KeepAliveRestoredEv(),
    ],
    "stall_past_limit": [ConnectedEv(status=True), _keepalive(60), _keepalive(200)],
    # Removed on the phone unheard: the server closes the socket, whatsmeow's
    # immediate reconnect gets a 401 connect failure (LoggedOut, OnConnect).
    "device_removed_live": [
        ConnectedEv(status=True),
        DisconnectedEv(status=True),
        LoggedOutEv(OnConnect=True, Reason=2),
    ],
    # Removed while the app was closed: the next login's 401.
    "device_removed_offline": [LoggedOutEv(OnConnect=True, Reason=2)],
    # Before pairing: only the QR channel's last word, no QR shown yet.
    "link_temp_ban": [("status", "err-unexpected-state")],
    "link_outdated": [("status", "err-client-outdated")],
    "link_dropped": [("status", "timeout")],
    # A QR shows, then the socket closes: no reconnect unpaired, the channel ends.
    "link_qr_then_drop": [("qr", "2@code"), ("status", "timeout")],
    # A 503: whatsmeow expects to reconnect, so the server's close is a Disconnected.
    "link_unavailable": [("status", "timeout")],
}


async def run(work: Path) -> None:
    rec = Recorder()
    transport = NeonizeTransport(reconnect_grace=GRACE, no_answer_timeout=30)
    for i, (name, steps) in enumerate(CASES.items()):
        client = transport.create_client(f"5190100{i:04d}", 1, work / f"{name}.db", rec.sink(name))
        await client.connect()
        await rec.wait(name)  # offline: the DNS failure
        for step in steps:
            if step == "wait":
                await rec.wait(name, count=len(rec.events[name]) + 1, within=GRACE + 3)
            elif isinstance(step, tuple):
                await go_callback(client, 0 if step[0] == "qr" else 1, step[1])
            else:
                await dispatch(client, step)
        if any(isinstance(s, DisconnectedEv | KeepAliveTimeoutEv) for s in steps):
            # Until our grace timer has run out (its drop report is then in) or
            # was cancelled; GRACE + 3 s is a failure bound, not a timing.
            async with asyncio.timeout(GRACE + 3):
                while client._grace_timer is not None:
                    await asyncio.sleep(0.01)
            await asyncio.sleep(0)
        out("case", name=name, events=rec.events[name][1:])
        await client.stop()


if __name__ == "__main__":
    asyncio.run(run(Path(sys.argv[1])))
    out("exit")
