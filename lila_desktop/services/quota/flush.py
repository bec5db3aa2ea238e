"""Apply the outbox's queued usage to the portal (runs in a worker thread).

Each queued key becomes one guarded single-document update (portal_docs:
`inc_request`/`refund_request`), sent per company in ordered batches with one
read of the company's numbers after each batch. A batch whose reply is lost
stays queued and is sent again: the key guards make the second time a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pymongo
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from lila_desktop.services.quota import portal_docs as docs
from lila_desktop.services.quota.outbox import CompanyRef, Outbox, PendingOp

logger = logging.getLogger(__name__)

BATCH = 200
MAX_BATCHES = 50  # per call: sends queued meanwhile wait for the next flush


def flush_outbox(
    coll: Collection[docs.Doc],
    outbox: Outbox,
    op_timeout: float,
    on_fresh: Callable[[bytes], None],
) -> tuple[int, PyMongoError | None]:
    """Returns (keys settled, the error that stopped the flush or None)."""
    settled = 0
    try:
        for _ in range(MAX_BATCHES):
            ops = outbox.pending_ops(BATCH)
            if not ops:
                break
            by_company: dict[bytes, list[PendingOp]] = {}
            for op in ops:
                by_company.setdefault(op.doc_id, []).append(op)
            for doc_id, group in by_company.items():
                settled += _flush_company(coll, outbox, op_timeout, group)
                on_fresh(doc_id)
    except PyMongoError as exc:
        logger.warning("portal flush stopped after %d key(s): %s", settled, docs.describe(exc))
        return settled, exc
    if settled:
        logger.info("flushed %d queued quota key(s) to the portal", settled)
    return settled, None


def _flush_company(
    coll: Collection[docs.Doc], outbox: Outbox, op_timeout: float, group: list[PendingOp]
) -> int:
    oid = group[0].oid
    requests = [
        docs.inc_request(oid, op.key) if op.op == "inc" else docs.refund_request(oid, op.key)
        for op in group
    ]
    with pymongo.timeout(op_timeout):
        coll.bulk_write(requests, ordered=True)
        doc = coll.find_one({"_id": oid}, docs.PROJECTION)
    if doc is None:
        logger.warning("%d queued quota key(s) of a deleted company dropped", len(group))
        outbox.settle(group, None)
    else:
        ref = CompanyRef.of(doc)
        outbox.settle(group, (ref, docs.limit_of(doc), docs.usage_of(doc)))
    return len(group)
