"""Quota ledgers: the embedded SQLite ledger and the company portal's MongoDB."""

from lila_desktop.services.quota.factory import build_ledger, limit_from_env, mongodb_uri_from_env
from lila_desktop.services.quota.mongo_ledger import MongoLedger
from lila_desktop.services.quota.sqlite_ledger import SqliteLedger

__all__ = ["MongoLedger", "SqliteLedger", "build_ledger", "limit_from_env", "mongodb_uri_from_env"]
