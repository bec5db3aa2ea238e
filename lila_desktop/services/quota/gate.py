"""The circuit breaker in front of the portal, as the ledger's event loop holds it.

Thread-side steps get the breaker's verdict (may they talk to the portal?) and
report back what happened (`ok`, `failed`, `skipped`); the gate moves the
pure `CircuitBreaker` value on and tracks whether the portal is reachable,
which the window shows. Only the loop thread touches the gate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from lila_desktop.core.quota import CircuitBreaker, QuotaError
from lila_desktop.services.blocking import run_blocking

logger = logging.getLogger(__name__)

T = TypeVar("T")
PortalUse = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a thread-side step did with the portal, and its result or error."""

    portal: PortalUse
    value: T | None = None
    error: QuotaError | None = None


class PortalGate:
    def __init__(self, breaker: CircuitBreaker, monotonic: Callable[[], float]) -> None:
        self.breaker = breaker
        self.reachable = True  # until proven otherwise: no alarm at start
        self._monotonic = monotonic

    async def run(self, fn: Callable[..., Outcome[T]], *args: Any, probe: bool = False) -> T:
        """Run `fn(allowed, *args)` in a worker thread; settle the breaker by its outcome.

        Only `probe` calls (flushes) may be the half-open probe: a send never
        waits on a portal that was dead a moment ago, it goes on locally.
        """
        if probe:
            allowed, self.breaker = self.breaker.allow(self._monotonic())
        else:
            allowed = self.breaker.is_closed
        try:
            out = await run_blocking(fn, allowed, *args)
        except BaseException:
            if probe:
                self.breaker = self.breaker.abandon_probe()
            raise
        if out.portal == "ok":
            self.breaker = self.breaker.record_success()
            if not self.reachable:
                logger.info("company portal reachable again")
            self.reachable = True
        elif out.portal == "failed":
            self.breaker = self.breaker.record_failure(self._monotonic())
            if self.reachable:
                logger.warning("company portal unreachable; sending within the last known quota")
            self.reachable = False
        elif probe:
            self.breaker = self.breaker.abandon_probe()
        if out.error is not None:
            raise out.error
        assert out.value is not None  # a step returns a value or an error
        return out.value
