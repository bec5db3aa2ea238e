"""Whether the backups of one number work: the "backup failing" state (issue 13).

A backup that cannot be written (a full disk, a backups folder replaced by a
link) used to be one log line while the number stayed "connected" with no
backup. The supervisor now keeps a `BackupState` per number: the reason is
shown in the window, the tray and the API (`backupError`), the backup is
retried with a growing delay, and the first success clears it.
"""

from __future__ import annotations

import logging
import random

from lila_desktop.core.messages import Code, Message
from lila_desktop.services.vault import VaultError
from lila_desktop.services.vault.model import describe_failure

logger = logging.getLogger(__name__)

RETRY_FIRST = 60.0  # seconds; doubles per failure (with jitter) up to RETRY_MAX
RETRY_MAX = 3600.0


class BackupFailed(VaultError):
    """A backup could not be written; the number shows it and retries (str: the reason)."""


class BackupState:
    def __init__(self, phone: str, rng: random.Random) -> None:
        self.phone = phone
        self.error: str | None = None
        self.failures = 0
        self._rng = rng

    def failed(self, exc: BaseException) -> tuple[bool, float]:
        """Record a failure; (is it the first of a run, seconds until the retry)."""
        first = self.error is None
        self.failures += 1
        self.error = describe_failure(exc)
        base = RETRY_FIRST * 2 ** min(self.failures - 1, 16)
        delay = min(RETRY_MAX, base) * (0.8 + 0.4 * self._rng.random())
        logger.error(
            "%s: backup failed (%s); trying again in %.0f s",
            self.phone,
            self.error,
            delay,
            extra={"event": "backup_failed", "phone": self.phone, "retry_in": round(delay, 1)},
        )
        return first, delay

    def succeeded(self) -> bool:
        """Record a success; True if backups were failing until now."""
        if self.error is None:
            return False
        logger.info(
            "%s: backups work again",
            self.phone,
            extra={"event": "backup_recovered", "phone": self.phone},
        )
        self.error, self.failures = None, 0
        return True

    def notice_message(self) -> Message:
        return Message.of(Code.BACKUP_FAILING, reason=self.error)
