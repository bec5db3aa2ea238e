"""How a send ended, from the outbox's point of view (NEONIZE_NOTES hazard 17).

- `sent`: WhatsApp took it.
- `requeue`: it never left (the number dropped just before): it waits again.
- `unknown`: it may have arrived (a timeout, the engine died mid-request):
  never sent again automatically, or a retry could duplicate it.
- `failed`: WhatsApp refused it; nothing went out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lila_desktop.services.transports.base import SendResult

Kind = Literal["sent", "requeue", "unknown", "failed"]

# Refused before the request reached WhatsApp.
_NOT_SENT = frozenset(
    {"SESSION_NOT_CONNECTED", "NOT_CONNECTED", "NOT_RUNNING", "SESSION_NOT_FOUND"}
)
# The request may have reached WhatsApp and we did not hear back.
_MAYBE_SENT = frozenset({"TIMEOUT", "SEND_UNKNOWN", "ENGINE_UNAVAILABLE", "ENGINE_ERROR"})
_TIMEOUT_WORDS = ("timed out", "timeout", "deadline", "context canceled")


@dataclass(frozen=True)
class SendOutcome:
    kind: Kind
    reason: str | None = None


def classify(result: SendResult | BaseException) -> SendOutcome:
    if isinstance(result, SendResult):
        return SendOutcome("sent")
    code = str(getattr(result, "code", ""))
    text = str(result) or type(result).__name__
    if code in _NOT_SENT:
        return SendOutcome("requeue", f"Waiting: {text}")
    if code in _MAYBE_SENT or any(w in text.lower() for w in _TIMEOUT_WORDS) or not code:
        return SendOutcome(
            "unknown",
            f"No answer from WhatsApp ({text}); the message may have arrived, so it is not "
            "sent again. Check the recipient's chat before sending it again.",
        )
    said = "WhatsApp did not accept the message: "
    return SendOutcome("failed", text if text.startswith(said) else said + text)
