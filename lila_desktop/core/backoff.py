"""Reconnect backoff: 1 s, 2 s, 4 s … capped at 60 s, with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """A small strategy object (as redis-py's): pure and seedable."""

    base: float = 1.0
    cap: float = 60.0
    jitter: float = 0.2  # ± fraction, so many numbers never retry in lockstep

    def nominal(self, failures: int) -> float:
        """Delay before attempt number `failures` (1-based), without jitter."""
        if failures <= 0:
            return 0.0
        # 2**(n-1) grows fast; clamp the exponent so huge counters never overflow.
        return min(self.cap, self.base * 2.0 ** min(failures - 1, 32))

    def delay(self, failures: int, rng: random.Random | None = None) -> float:
        nominal = self.nominal(failures)
        if nominal == 0.0 or self.jitter == 0.0:
            return nominal
        r = (rng or random).uniform(-self.jitter, self.jitter)
        if nominal >= self.cap:
            # At the cap jitter only downward, or half the numbers would clamp to
            # exactly the cap and retry in lockstep.
            r = -abs(r)
        return min(self.cap, max(0.0, nominal * (1.0 + r)))


DEFAULT_BACKOFF = Backoff()
