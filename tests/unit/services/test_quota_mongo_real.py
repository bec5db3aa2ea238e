"""The portal ledger against a real MongoDB: runs when MONGODB_URI is set.

No server can be installed on the build machine (TOOLCHAIN.md), so this is
skipped there; test_quota_mongo.py covers the same paths over mockupdb. Here
the server's own evaluation of our queries is checked (`$expr`, `$ne` on an
array, `$push` with `$slice`, `$pull`), which the fake can only imitate.

Everything happens in a throw-away database `lila_test_<random>`, dropped at
the end; the portal's real `shared_db` is never touched.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from bson import ObjectId
from pymongo import MongoClient
from pymongo.collection import Collection

from lila_desktop.core.quota import CompanyNotFound, QuotaExceeded
from lila_desktop.services.quota import MongoLedger
from lila_desktop.services.quota.portal_docs import (
    APPLIED_KEYS_KEEP,
    default_client_factory,
    inc_request,
    refund_request,
)

URI = os.environ.get("MONGODB_URI", "")
pytestmark = pytest.mark.skipif(not URI, reason="set MONGODB_URI to test against a real MongoDB")
SENDER = "51902049935"


def quick_client(uri: str) -> MongoClient[dict[str, Any]]:
    return default_client_factory(uri, serverSelectionTimeoutMS=3000)


@pytest.fixture
def db_name() -> Iterator[str]:
    name = f"lila_test_{uuid.uuid4().hex[:12]}"
    yield name
    with quick_client(URI) as client:
        client.drop_database(name)


@pytest.fixture
def companies(db_name: str) -> Iterator[Collection[dict[str, Any]]]:
    with quick_client(URI) as client:
        yield client[db_name]["companies"]


def add_company(
    coll: Collection[dict[str, Any]], *, sender: str, limit: int, used: int = 0
) -> ObjectId:
    oid = ObjectId()
    coll.insert_one(
        {
            "_id": oid,
            "companyId": f"co-{oid}",
            "isActive": True,
            "whatsappConfig": {"sender": sender},
            "limits": {"whatsappMessages": limit},
            "subscription": {"usage": {"whatsappMessages": used}},
        }
    )
    return oid


def usage(coll: Collection[dict[str, Any]], oid: ObjectId) -> int:
    doc = coll.find_one({"_id": oid})
    assert doc is not None
    return int(doc["subscription"]["usage"]["whatsappMessages"])


@pytest_asyncio.fixture
async def ledger(db_name: str, tmp_path: Path) -> AsyncIterator[MongoLedger]:
    async with MongoLedger(
        URI, outbox_path=tmp_path / "outbox.sqlite3", db_name=db_name, client_factory=quick_client
    ) as led:
        yield led


@pytest.mark.asyncio
async def test_reserve_commit_release_on_a_real_server(
    ledger: MongoLedger, companies: Collection[dict[str, Any]]
) -> None:
    oid = add_company(companies, sender="+" + SENDER, limit=3, used=1)
    add_company(companies, sender="+51999999999", limit=3)
    s = await ledger.reserve(SENDER, "a")
    assert (s.used, s.reserved, s.remaining, s.portal_reachable) == (1, 1, 1, True)
    await ledger.commit(SENDER, "a")
    await ledger.reserve(SENDER, "a")  # a retry
    assert usage(companies, oid) == 2
    await ledger.reserve(SENDER, "b")
    with pytest.raises(QuotaExceeded):
        await ledger.reserve(SENDER, "c")
    await ledger.release(SENDER, "b")
    assert usage(companies, oid) == 2
    with pytest.raises(CompanyNotFound):
        await ledger.reserve("51911111111", "d")


@pytest.mark.asyncio
async def test_parallel_laptops_never_overshoot_on_a_real_server(
    db_name: str, companies: Collection[dict[str, Any]], tmp_path: Path
) -> None:
    oid = add_company(companies, sender=SENDER, limit=30, used=10)
    async with (
        MongoLedger(
            URI, outbox_path=tmp_path / "a.sqlite3", db_name=db_name, client_factory=quick_client
        ) as a,
        MongoLedger(
            URI, outbox_path=tmp_path / "b.sqlite3", db_name=db_name, client_factory=quick_client
        ) as b,
    ):

        async def send(led: MongoLedger, i: int) -> int:
            try:
                await led.reserve(SENDER, f"m{i}")
            except QuotaExceeded:
                return 0
            await led.commit(SENDER, f"m{i}")
            return 1

        sent = await asyncio.gather(*(send(a if i % 2 else b, i) for i in range(60)))
    assert sum(sent) == 20
    assert usage(companies, oid) == 30


def test_guarded_updates_apply_once_and_keep_the_newest_keys(
    companies: Collection[dict[str, Any]],
) -> None:
    oid = add_company(companies, sender=SENDER, limit=10_000)
    companies.bulk_write([inc_request(oid, "k"), inc_request(oid, "k")])
    assert usage(companies, oid) == 1
    companies.bulk_write([refund_request(oid, "k"), refund_request(oid, "k")])
    assert usage(companies, oid) == 0
    companies.bulk_write([inc_request(oid, f"k{i}") for i in range(APPLIED_KEYS_KEEP + 20)])
    doc = companies.find_one({"_id": oid})
    assert doc is not None
    assert len(doc["lilaAppliedKeys"]) == APPLIED_KEYS_KEEP
    assert doc["lilaAppliedKeys"][-1] == f"k{APPLIED_KEYS_KEEP + 19}"
    assert usage(companies, oid) == APPLIED_KEYS_KEEP + 20
