"""The company portal's MongoDB documents: field names, queries, pool settings.

Document shape (PRODUCT.md §3): a `companies` collection in `shared_db` with
`companyId`, `isActive`, `limits.whatsappMessages`,
`subscription.usage.whatsappMessages` and `whatsappConfig.sender`.

Idempotency in the portal: every increment we make also records its key in
the company document itself, `lilaAppliedKeys` (the newest 500), in the *same*
single-document update, guarded by `lilaAppliedKeys: {$ne: key}`. We chose
this over a separate `whatsapp_usage_keys` collection with a unique index
because a single-document update is atomic on every MongoDB deployment
(standalone included), while "insert key, then $inc" in two collections needs
a multi-document transaction (replica sets only) or leaves a window where a
crash or a lost reply counts a message without its key or the other way round.
It also needs no index creation rights in the portal's database. The price:
the memory is the newest 500 keys per company, so a retry older than 500
other messages of the same company would count again; our retries come
within one flush, long before that, and 500 keys are ~20 KB of the document.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from pymongo import MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import ConfigurationError, PyMongoError

from lila_desktop.core.quota import DEFAULT_LIMIT, CompanyNotFound

logger = logging.getLogger(__name__)

USAGE: Final = "subscription.usage.whatsappMessages"
LIMIT: Final = "limits.whatsappMessages"
SENDER: Final = "whatsappConfig.sender"
APPLIED_KEYS: Final = "lilaAppliedKeys"
APPLIED_KEYS_KEEP: Final = 500

# What we read of a company: never the key list (up to ~20 KB) on the hot path.
PROJECTION: Final[dict[str, Any]] = {"companyId": 1, "isActive": 1, LIMIT: 1, USAGE: 1}

# The seed's (lila-app's) pool settings, kept so the portal sees the same client.
POOL_SETTINGS: Final[dict[str, int]] = {
    "maxPoolSize": 10,
    "minPoolSize": 2,
    "serverSelectionTimeoutMS": 5000,
    "socketTimeoutMS": 45000,
    "heartbeatFrequencyMS": 10000,
}

Doc = dict[str, Any]


def default_client_factory(uri: str, **overrides: Any) -> MongoClient[Doc]:
    """A MongoClient with the seed's pool settings (`overrides` for tests).

    MongoClient connects in background threads; for `mongodb+srv://` URIs the
    constructor resolves DNS, so the ledger calls this off the event loop.
    """
    return MongoClient(uri, appname="lila-desktop", **{**POOL_SETTINGS, **overrides})


def sender_filter(digits: str) -> Doc:
    """Active companies whose sender is this number, stored with or without '+'."""
    return {SENDER: {"$in": [digits, "+" + digits]}, "isActive": True}


def company_id_filter(company_id: str) -> Doc:
    return {"companyId": company_id, "isActive": True}


def reserve_filter(oid: Any, key: str) -> Doc:
    """The company, active, not holding `key` yet, with room left under its limit."""
    return {
        "_id": oid,
        "isActive": True,
        APPLIED_KEYS: {"$ne": key},
        "$expr": {
            "$lt": [
                {"$ifNull": ["$" + USAGE, 0]},
                {"$ifNull": ["$" + LIMIT, DEFAULT_LIMIT]},
            ]
        },
    }


def count_update(key: str) -> Doc:
    return {
        "$inc": {USAGE: 1},
        "$push": {APPLIED_KEYS: {"$each": [key], "$slice": -APPLIED_KEYS_KEEP}},
    }


def inc_request(oid: Any, key: str) -> UpdateOne:
    """Count `key` once, whatever the limit says now: the message has gone out."""
    return UpdateOne({"_id": oid, APPLIED_KEYS: {"$ne": key}}, count_update(key))


def refund_request(oid: Any, key: str) -> UpdateOne:
    """Take back `key`'s unit if (and only if) the portal holds that key."""
    return UpdateOne(
        {"_id": oid, APPLIED_KEYS: key, USAGE: {"$gt": 0}},
        {"$inc": {USAGE: -1}, "$pull": {APPLIED_KEYS: key}},
    )


def find_company(coll: Collection[Doc], digits: str, company_id: str | None) -> Doc:
    """The one active company of this sender (or of `company_id` when configured).

    Raises:
        CompanyNotFound: none, or several (the message says what to set).
    """
    if company_id is not None:
        found = list(coll.find(company_id_filter(company_id), PROJECTION, limit=2))
        where = f"companyId {company_id!r}"
    else:
        found = list(coll.find(sender_filter(digits), PROJECTION, limit=2))
        where = f"whatsappConfig.sender +{digits}"
    if not found:
        raise CompanyNotFound(
            f"No active company in the portal has {where}. Add the number to the "
            "company in the portal, or set the company ID in Settings."
        )
    if len(found) > 1:
        raise CompanyNotFound(
            f"Several active companies in the portal have {where}; "
            "set the company ID in Settings to choose one."
        )
    return found[0]


def _number(doc: Doc, dotted: str, default: int) -> int:
    value: Any = doc
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return max(0, int(value))


def limit_of(doc: Doc) -> int:
    """`limits.whatsappMessages`, or the portal's default plan when unset."""
    return _number(doc, LIMIT, DEFAULT_LIMIT)


def usage_of(doc: Doc) -> int:
    return _number(doc, USAGE, 0)


def describe(exc: PyMongoError) -> str:
    """A loggable one-liner. Configuration errors may quote the URI: name only."""
    if isinstance(exc, ConfigurationError):
        return type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}"
