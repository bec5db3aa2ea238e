"""The company portal's quota ledger: MongoDB shared by all of a shop's laptops.

Reserve takes one unit in the portal with a single conditional update (room
left, key not applied yet), so several laptops can never overshoot together;
commit is then only local bookkeeping, release gives the unit back. See
portal_docs for the documents and the idempotency keys kept in them.

When the portal is unreachable (or slow beyond `op_timeout`), a circuit breaker
stops further waiting and sends go on against the last numbers the portal gave;
the usage is queued in the outbox and flushed when the portal answers again.
Sends never probe a portal that was down: the ledger's own background task
does (every `flush_interval`), so one send at most pays `op_timeout` per outage.

Every pymongo call runs in run_blocking's threads, bounded by `pymongo.timeout`
(so a slow server costs at most `op_timeout`, server selection included). A
thread-side step writes its outcome to the outbox before it returns, so a
cancelled caller cannot lose a unit the portal has already counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymongo
from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.quota import (
    CircuitBreaker,
    QuotaError,
    QuotaExceeded,
    QuotaStatus,
    QuotaUnavailable,
    current_period,
    validate_key,
)
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.quota import portal_docs as docs
from lila_desktop.services.quota.flush import flush_outbox
from lila_desktop.services.quota.gate import Outcome, PortalGate, PortalUse
from lila_desktop.services.quota.outbox import CompanyRef, Outbox

logger = logging.getLogger(__name__)

ClientFactory = Callable[[str], MongoClient[docs.Doc]]

# One failure opens the breaker: sending on locally is cheap and correct,
# while every further attempt at a dead server would stall a send.
DEFAULT_BREAKER = CircuitBreaker(failure_threshold=1, reset_after=10.0)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MongoLedger:
    """`QuotaLedger` over the company portal's MongoDB.

    Args:
        uri: the MongoDB URI (kept in the keyring by the caller; never logged).
        outbox_path: local SQLite file for the outbox and the quota cache.
        company_id: find the company by this `companyId` instead of by sender.
        db_name, collection: where the company documents are.
        client_factory: builds the MongoClient (default: seed pool settings).
        op_timeout: the longest a send waits for the portal, in seconds.
        breaker: initial circuit breaker (its thresholds are what matter).
        flush_interval: how often queued usage is retried in the background.
        status_max_age: `status()` reuses portal numbers younger than this.
        mapping_ttl: how long a sender→company lookup is trusted.
    """

    def __init__(
        self,
        uri: str,
        *,
        outbox_path: Path,
        company_id: str | None = None,
        db_name: str = "shared_db",
        collection: str = "companies",
        client_factory: ClientFactory | None = None,
        op_timeout: float = 2.0,
        breaker: CircuitBreaker = DEFAULT_BREAKER,
        flush_interval: float = 10.0,
        status_max_age: float = 5.0,
        mapping_ttl: float = 300.0,
        reservation_ttl: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = _utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if op_timeout <= 0:
            raise ValueError("op_timeout must be a positive number of seconds.")
        self._uri = uri
        self._company_id = company_id
        self._db_name = db_name
        self._collection_name = collection
        self._client_factory = client_factory or docs.default_client_factory
        self._op_timeout = op_timeout
        self._gate = PortalGate(breaker, monotonic)
        self._flush_interval = flush_interval
        self._status_max_age = status_max_age
        self._mapping_ttl = mapping_ttl
        self._clock = clock
        self._monotonic = monotonic
        self._outbox = Outbox(outbox_path, clock=clock, reservation_ttl=reservation_ttl)
        self._client: MongoClient[docs.Doc] | None = None
        self._client_lock = threading.Lock()
        # sender digits -> (company, monotonic time of the portal lookup)
        self._mapping: dict[str, tuple[CompanyRef, float]] = {}
        self._fresh_at: dict[bytes, float] = {}  # company -> last portal read/write
        self._flush_lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def portal_reachable(self) -> bool:
        return self._gate.reachable

    # --- QuotaLedger ------------------------------------------------------------

    async def reserve(self, sender: str, key: str) -> QuotaStatus:
        digits, key = self._check(sender, key)
        await self._flush_if_due()
        period = current_period(self._clock())
        return await self._gate.run(self._reserve_blocking, digits, key, period)

    async def commit(self, sender: str, key: str) -> QuotaStatus:
        digits, key = self._check(sender, key)
        period = current_period(self._clock())
        return await run_blocking(self._commit_blocking, digits, key, period)

    async def release(self, sender: str, key: str) -> None:
        _, key = self._check(sender, key)
        if await run_blocking(self._outbox.release, key):
            await self._flush_if_due()  # tell the portal now if it is there

    async def status(self, sender: str) -> QuotaStatus:
        digits, _ = self._check(sender, "status")
        await self._flush_if_due()
        period = current_period(self._clock())
        company = self._mapping.get(digits, (None, 0.0))[0]
        if (
            company is not None
            and self._gate.reachable
            and self._monotonic() - self._fresh_at.get(company.doc_id, -1e18) < self._status_max_age
        ):
            return await run_blocking(self._outbox.status, company, period, reachable=True)
        return await self._gate.run(self._status_blocking, digits, period)

    async def flush(self) -> int:
        """Apply queued usage to the portal now. Returns how many keys were settled.

        This is also the breaker's probe: with the breaker open, once
        `reset_after` has passed, this call (not a send) tries the portal.
        """
        self._ensure_flusher()
        async with self._flush_lock:
            if self._closed or (self._gate.breaker.is_closed and not self._outbox.has_pending):
                return 0
            return await self._gate.run(self._flush_blocking, probe=True)

    async def aclose(self) -> None:
        if self._closed:
            return
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        try:
            await self.flush()  # one last chance; what is left stays in the outbox
        except Exception:
            logger.exception("final quota flush failed; usage stays queued")
        self._closed = True
        await run_blocking(self._close_blocking)

    async def __aenter__(self) -> MongoLedger:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- loop side -------------------------------------------------------------------

    def _check(self, sender: str, key: str) -> tuple[str, str]:
        if self._closed:
            raise RuntimeError("The quota ledger is closed.")
        self._ensure_flusher()
        return normalize_phone(sender), validate_key(key)

    async def _flush_if_due(self) -> None:
        """Before a send: apply queued usage first, unless the portal is known down."""
        if self._outbox.has_pending and self._gate.breaker.is_closed:
            await self.flush()

    def _ensure_flusher(self) -> None:
        if self._flusher is None and not self._closed:
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush_forever(), name="quota-outbox-flusher"
            )

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(self._flush_interval)
            try:
                await self.flush()  # also probes a portal that was down
            except Exception:
                # Never let one bad flush end the retries; the queue is durable.
                logger.exception("quota outbox flush failed; will retry")

    # --- thread side -------------------------------------------------------------------

    def _coll(self) -> Collection[docs.Doc]:
        with self._client_lock:
            if self._closed:
                raise RuntimeError("The quota ledger is closed.")
            if self._client is None:
                self._client = self._client_factory(self._uri)
            return self._client[self._db_name][self._collection_name]

    def _reserve_blocking(
        self, try_portal: bool, digits: str, key: str, period: str
    ) -> Outcome[QuotaStatus]:
        use: PortalUse = "skipped"
        if try_portal:
            try:
                with pymongo.timeout(self._op_timeout):
                    return Outcome("ok", self._portal_reserve(digits, key, period))
            except QuotaError as exc:  # the portal answered: no room, no such company
                return Outcome("ok", error=exc)
            except PyMongoError as exc:
                logger.warning("portal reserve failed: %s", docs.describe(exc))
                use = "failed"
        # After a failed attempt the portal may have counted the key already (the
        # reply may be what got lost): the outbox settles it either way.
        return self._offline(
            use,
            digits,
            lambda company: self._outbox.reserve_local(
                key, company, period, maybe_applied=use == "failed"
            ),
        )

    def _offline(
        self, use: PortalUse, digits: str, step: Callable[[CompanyRef], QuotaStatus]
    ) -> Outcome[QuotaStatus]:
        """Run `step` on what this laptop knows of the sender's company."""
        company = self._known_company(digits)
        try:
            if company is None:
                raise QuotaUnavailable(
                    "The company portal is unreachable and has not told this laptop "
                    "this number's quota yet; sending resumes when it answers."
                )
            return Outcome(use, step(company))
        except QuotaError as exc:
            return Outcome(use, error=exc)

    def _portal_reserve(self, digits: str, key: str, period: str) -> QuotaStatus:
        coll = self._coll()
        for _ in range(3):
            company = self._resolve(coll, digits)
            doc = coll.find_one_and_update(
                docs.reserve_filter(company.oid, key),
                docs.count_update(key),
                projection=docs.PROJECTION,
                return_document=ReturnDocument.AFTER,
            )
            if doc is not None:
                return self._adopt(key, digits, doc, period)
            # Not taken. Why? One read for the numbers, one for the key.
            doc = coll.find_one({"_id": company.oid}, docs.PROJECTION)
            if doc is None or doc.get("isActive") is not True:
                self._mapping.pop(digits, None)  # moved or deactivated: look again
                continue
            if coll.find_one({"_id": company.oid, docs.APPLIED_KEYS: key}, {"_id": 1}):
                return self._adopt(key, digits, doc, period)  # an earlier attempt counted it
            if docs.usage_of(doc) >= docs.limit_of(doc):
                ref = self._remember(digits, doc)
                raise QuotaExceeded(self._outbox.status(ref, period, reachable=True))
            # Room appeared between the two reads (another laptop released): retry.
        raise QuotaUnavailable(
            "The company portal's quota kept changing during the check; send again."
        )

    def _remember(self, digits: str, doc: docs.Doc) -> CompanyRef:
        """Cache what the portal just said about the sender's company."""
        ref = CompanyRef.of(doc)
        self._outbox.remember(digits, ref, docs.limit_of(doc), docs.usage_of(doc))
        self._touch(ref.doc_id)
        return ref

    def _adopt(self, key: str, digits: str, doc: docs.Doc, period: str) -> QuotaStatus:
        ref = CompanyRef.of(doc)
        self._touch(ref.doc_id)
        return self._outbox.add_portal_reservation(
            key, digits, ref, period, docs.limit_of(doc), docs.usage_of(doc)
        )

    def _resolve(self, coll: Collection[docs.Doc], digits: str) -> CompanyRef:
        """The company of this sender, looked up at most every `mapping_ttl` seconds."""
        known = self._mapping.get(digits)
        if known is not None and self._monotonic() - known[1] < self._mapping_ttl:
            return known[0]
        return self._lookup(coll, digits)

    def _lookup(self, coll: Collection[docs.Doc], digits: str) -> CompanyRef:
        ref = self._remember(digits, docs.find_company(coll, digits, self._company_id))
        self._mapping[digits] = (ref, self._monotonic())
        return ref

    def _known_company(self, digits: str) -> CompanyRef | None:
        known = self._mapping.get(digits)
        return known[0] if known else self._outbox.company_for(digits)

    def _commit_blocking(self, digits: str, key: str, period: str) -> QuotaStatus:
        company = self._outbox.commit(key, self._known_company(digits), period)
        return self._outbox.status(company, period, reachable=self._gate.reachable)

    def _status_blocking(self, try_portal: bool, digits: str, period: str) -> Outcome[QuotaStatus]:
        use: PortalUse = "skipped"
        if try_portal:
            try:
                with pymongo.timeout(self._op_timeout):
                    company = self._refresh(self._coll(), digits)
                return Outcome("ok", self._outbox.status(company, period, reachable=True))
            except QuotaError as exc:
                return Outcome("ok", error=exc)
            except PyMongoError as exc:
                logger.warning("portal status failed: %s", docs.describe(exc))
                use = "failed"
        return self._offline(
            use, digits, lambda company: self._outbox.status(company, period, reachable=False)
        )

    def _refresh(self, coll: Collection[docs.Doc], digits: str) -> CompanyRef:
        """Read the sender's company numbers from the portal into the cache."""
        known = self._mapping.get(digits)
        if known is None or self._monotonic() - known[1] >= self._mapping_ttl:
            return self._lookup(coll, digits)  # reads the numbers too
        doc = coll.find_one({"_id": known[0].oid, "isActive": True}, docs.PROJECTION)
        if doc is None:  # deactivated or gone: look the sender up again (or raise)
            return self._lookup(coll, digits)
        return self._remember(digits, doc)

    def _flush_blocking(self, try_portal: bool) -> Outcome[int]:
        if not try_portal:
            return Outcome("skipped", 0)
        try:
            if not self._outbox.pending_ops(limit=1):
                if self._gate.breaker.is_closed:
                    return Outcome("skipped", 0)  # nothing to send, nothing to probe
                with pymongo.timeout(self._op_timeout):
                    self._coll().database.client.admin.command("ping")
                return Outcome("ok", 0)
            coll = self._coll()
        except PyMongoError as exc:
            logger.warning("portal probe failed: %s", docs.describe(exc))
            return Outcome("failed", 0)
        settled, error = flush_outbox(coll, self._outbox, self._op_timeout, self._touch)
        return Outcome("ok" if error is None else "failed", settled)

    def _touch(self, doc_id: bytes) -> None:
        """The portal just gave this company's numbers."""
        self._fresh_at[doc_id] = self._monotonic()

    def _close_blocking(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
        self._outbox.close()
