"""The session pool: every number, one supervisor each, one engine for all.

The pool is what the window, the API and the headless mode talk to. It owns
the engine client, the vault and the supervisors; observers get immutable
snapshots (`subscribe`) and notices for the owner (`subscribe_notices`).

One module per responsibility, all on the shared `state.PoolState`:
`lifecycle` (start, close), `routing` (engine events, network changes),
`commands` (the owner's commands), `backups` (backup, list, restore),
`housekeeping` (periodic seal and backup), `registry_sync` (sessions.json).
The engine and vault are typed by the Protocols in `ports`.
"""

from __future__ import annotations

from lila_desktop.services.pool.backups import BackupCommands
from lila_desktop.services.pool.commands import (
    PAIR_CODE_WINDOW,
    PAIR_RESTART_WAIT,
    QR_WINDOW,
    OwnerCommands,
)
from lila_desktop.services.pool.errors import PoolError, RestoreOutcome, SessionNotFound
from lila_desktop.services.pool.housekeeping import BACKUP_INTERVAL, SEAL_INTERVAL
from lila_desktop.services.pool.lifecycle import Lifecycle
from lila_desktop.services.pool.ports import PoolEngine, PoolVault
from lila_desktop.services.pool.registry_sync import REGISTRY_DEBOUNCE
from lila_desktop.services.pool.routing import EventRouting

__all__ = [
    "BACKUP_INTERVAL",
    "PAIR_CODE_WINDOW",
    "PAIR_RESTART_WAIT",
    "QR_WINDOW",
    "REGISTRY_DEBOUNCE",
    "SEAL_INTERVAL",
    "PoolEngine",
    "PoolError",
    "PoolVault",
    "RestoreOutcome",
    "SessionNotFound",
    "SessionPool",
]


class SessionPool(Lifecycle, EventRouting, OwnerCommands, BackupCommands):
    """Every number of this laptop: see the module docstring for the parts."""
