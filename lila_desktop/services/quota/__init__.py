"""Quota ledgers: the embedded SQLite ledger and the company portal's MongoDB.

`MongoLedger` is loaded on first use (PEP 562): importing this package must
not import pymongo unless a portal is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lila_desktop.services.quota.factory import build_ledger
from lila_desktop.services.quota.sqlite_ledger import SqliteLedger

if TYPE_CHECKING:
    from lila_desktop.services.quota.mongo_ledger import MongoLedger

__all__ = ["MongoLedger", "SqliteLedger", "build_ledger"]


def __getattr__(name: str) -> Any:
    if name == "MongoLedger":
        from lila_desktop.services.quota.mongo_ledger import MongoLedger

        return MongoLedger
    raise AttributeError(name)
