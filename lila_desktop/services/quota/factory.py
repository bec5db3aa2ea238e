"""Choose and build the quota ledger from the settings (PRODUCT.md §3).

A configured MongoDB URI (Settings, kept in the keyring; or `LILA_MONGODB_URI`)
selects the portal ledger; otherwise the embedded SQLite ledger serves, with
the monthly limit from Settings or `LILA_QUOTA_LIMIT` (default 1000),
as `services.config` resolved them. pymongo is imported only for the portal.
"""

from __future__ import annotations

import contextlib
import logging
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from lila_desktop.core.outbox import RESERVATION_TTL
from lila_desktop.core.quota import DEFAULT_LIMIT, QuotaLedger, parse_limit
from lila_desktop.services.config import check_mongodb_uri as looks_like_mongodb_uri
from lila_desktop.services.logs import redact, register_secret
from lila_desktop.services.quota.sqlite_ledger import SqliteLedger

if TYPE_CHECKING:  # pymongo loads only when a portal is configured
    from lila_desktop.services.quota.mongo_ledger import ClientFactory

logger = logging.getLogger(__name__)

LEDGER_FILE = Path("quota") / "ledger.sqlite3"
OUTBOX_FILE = Path("quota") / "portal-outbox.sqlite3"


class QuotaConfigError(ValueError):
    """A quota setting that cannot be used; the message says what to change."""


def check_mongodb_uri(uri: str, *, source: str = "The MongoDB URI") -> str:
    """Refuse what is plainly not a MongoDB URI, without echoing it (it holds a password)."""
    if not looks_like_mongodb_uri(uri):
        raise QuotaConfigError(
            f"{source} must start with mongodb:// or mongodb+srv:// "
            "(copy the connection string from the company portal)."
        )
    with contextlib.suppress(ValueError):  # pymongo's errors may quote the URI
        register_secret(urllib.parse.unquote(urllib.parse.urlsplit(uri).password or ""))
    if any(not c.isprintable() for c in uri):
        raise QuotaConfigError(
            f"{source} contains invisible characters; copy the connection string from the "
            "company portal again."
        )
    from pymongo import uri_parser  # here: only with a portal configured

    # The syntax only: +srv would look up DNS here, so it is parsed as mongodb://.
    plain = "mongodb://" + uri.split("://", 1)[1]
    try:
        uri_parser.parse_uri(plain)
    except Exception as exc:  # InvalidURI, ConfigurationError, ValueError
        raise QuotaConfigError(
            f"{source} is not a valid MongoDB connection string ({redact(str(exc))}). Copy it "
            "again from the company portal."
        ) from None
    return uri


def build_ledger(
    *,
    mongodb_uri: str | None,
    data_dir: Path,
    limit: int = DEFAULT_LIMIT,
    company_id: str | None = None,
    client_factory: ClientFactory | None = None,
) -> QuotaLedger:
    """The portal ledger when a URI is configured, else the local SQLite ledger.

    `limit` only applies to the local ledger: the portal's plan sets its own.
    Nothing is opened here: both ledgers touch files and sockets on first use,
    off the event loop.
    """
    if mongodb_uri:
        from lila_desktop.services.quota.mongo_ledger import MongoLedger

        uri = check_mongodb_uri(mongodb_uri)
        logger.info("quota: company portal ledger (MongoDB)")
        return MongoLedger(
            uri,
            outbox_path=data_dir / OUTBOX_FILE,
            company_id=company_id or None,
            client_factory=client_factory,
            reservation_ttl=RESERVATION_TTL,
        )
    try:
        checked = parse_limit(limit)
    except ValueError as exc:
        raise QuotaConfigError(str(exc)) from None
    logger.info("quota: local ledger, %d messages a month", checked)
    return SqliteLedger(
        data_dir / LEDGER_FILE,
        limit=checked,
        company_id=company_id or "local",
        reservation_ttl=RESERVATION_TTL,
    )
