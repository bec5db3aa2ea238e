"""The interface every transport honours, inside the engine process.

A transport creates one `SessionClient` per connection attempt ("generation").
Clients report what happens through an `EventSink` with the event names and
fields of `lila_desktop.services.engine.protocol` (EV_*), so the neonize
adapter and the simulated WhatsApp are interchangeable behind the engine.

Rules every implementation keeps (NEONIZE_NOTES.md):
- `connect()` returns once the attempt is under way; how it ends is reported
  as events (`connected`, `qr`, `connect_failure`, `store_corrupt`, ...).
  A failed *first* dial must be reported (`connect_failure`), never swallowed:
  our policy retries it, whatsmeow would not.
- `stop()` ends the client for good (and whatsmeow's own auto-reconnect);
  after it no event of this generation may be emitted.
- The engine serializes connect/stop across all clients and bounds them with
  timeouts; the client itself must not call them concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class EventSink(Protocol):
    def __call__(self, event: str, **fields: Any) -> None:
        """Report one event of this client (phone and generation are bound)."""


@dataclass(frozen=True)
class SendResult:
    message_id: str
    timestamp: float


class TransportError(Exception):
    """A request the transport could not carry out; the message is for people."""

    def __init__(self, message: str, code: str = "TRANSPORT_ERROR") -> None:
        super().__init__(message)
        self.code = code


class SessionClient(Protocol):
    phone: str
    generation: int

    async def connect(self) -> None: ...

    async def stop(self) -> None: ...

    async def logout(self) -> None: ...

    async def pair_phone(self) -> str:
        """Request an 8-character pairing code ('Link with phone number')."""
        ...

    async def send_text(self, to: str, text: str) -> SendResult: ...


class Transport(Protocol):
    name: str

    def create_client(
        self, phone: str, generation: int, store_path: Path, sink: EventSink
    ) -> SessionClient: ...

    async def simulate(self, phone: str | None, event: str, args: dict[str, Any]) -> None:
        """Inject a fault or a scan (simulated transport only; others raise)."""
        ...

    def stats(self) -> dict[str, Any]:
        """Counters for health and recycling (e.g. connects made)."""
        ...

    async def aclose(self) -> None: ...
