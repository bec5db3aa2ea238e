"""Idempotent sends: the answer to each `Idempotency-Key`, kept for a day.

The quota ledger already counts a key once; this also makes sure a client
that retries after a timeout gets the first answer back instead of sending
the same message twice. A key reused for a different message is refused.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from lila_desktop.services.api.errors import ApiError

DEFAULT_TTL = 24 * 3600.0
DEFAULT_MAX_ENTRIES = 4096


def fingerprint(sender: str, to: str, text: str) -> str:
    return hashlib.sha256(f"{sender}\0{to}\0{text}".encode()).hexdigest()


@dataclass
class _Entry:
    fingerprint: str
    at: float
    answer: dict[str, Any] | None = None  # None while the send is under way


class SendLog:
    def __init__(self, *, ttl: float = DEFAULT_TTL, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def begin(self, key: str, print_: str) -> dict[str, Any] | None:
        """The stored answer for a repeated key, or None after marking the key under way."""
        self._expire()
        entry = self._entries.get(key)
        if entry is None:
            self._entries[key] = _Entry(print_, time.monotonic())
            return None
        if entry.fingerprint != print_:
            raise ApiError(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was already used for another message; use a new key "
                "for every new message.",
            )
        if entry.answer is None:
            raise ApiError(
                409,
                "REQUEST_IN_PROGRESS",
                "A send with this Idempotency-Key is still under way; ask again in a moment.",
            )
        return entry.answer

    def finish(self, key: str, answer: dict[str, Any]) -> None:
        entry = self._entries.get(key)
        if entry is not None:
            entry.answer = answer

    def abort(self, key: str) -> None:
        """The send failed: a retry with the same key may try again."""
        self._entries.pop(key, None)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            stale = now - entry.at > self._ttl
            if not stale and len(self._entries) < self._max:
                break
            if entry.answer is None and not stale:
                break  # never forget a send that is under way
            del self._entries[key]
