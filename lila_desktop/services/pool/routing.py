"""Engine events and network changes, routed to the numbers' supervisors."""

from __future__ import annotations

from typing import Any

from lila_desktop.core.events import EngineDied, NetworkDown, NetworkUp
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.pool.state import PoolState


class EventRouting(PoolState):
    def on_engine_event(self, message: dict[str, Any]) -> None:
        if message.get("ev") == p.EV_NETWORK:
            if message.get("up"):
                self.network_up()
            return
        if message.get("ev") == p.EV_RECEIPT:
            ids = [str(i) for i in message.get("ids") or ()]
            for callback in list(self._receipt_observers):
                callback(str(message.get("phone")), ids, str(message.get("kind")))
            return
        sup = self._sessions.get(str(message.get("phone")))
        if sup is not None:
            sup.post_wire(message)

    def on_engine_died(self, reason: str) -> None:
        self._post_all(EngineDied(reason))

    def network_up(self) -> None:
        """Network back or laptop awake: retry now instead of waiting."""
        self._post_all(NetworkUp())

    def network_down(self) -> None:
        """The OS says offline: retries wait for `network_up` instead of dialling."""
        self._post_all(NetworkDown())
