"""The MongoDB portal ledger over real sockets, against mockupdb.

No MongoDB server can be installed here (TOOLCHAIN.md), so `FakePortal` serves
MongoDB's wire protocol with mockupdb and evaluates, on an in-memory document
list, exactly the operators the ledger sends (`$in`, `$ne`, `$gt`, `$expr`
with `$lt`/`$ifNull`, `$inc`, `$push` with `$each`/`$slice`, `$pull`). That
makes the counting assertions real: a double count shows up in the document.
Faults are injected per command: a reply lost after the write was applied, a
hang-up before it, a stall; and the whole server can be stopped and started
again on the same port. test_quota_mongo_real.py runs against a real server.
"""

from __future__ import annotations

import asyncio
import copy
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from bson import ObjectId
from mockupdb import MockupDB
from pymongo import MongoClient

from lila_desktop.core.quota import (
    CircuitBreaker,
    CompanyNotFound,
    QuotaExceeded,
    QuotaUnavailable,
)
from lila_desktop.services.quota import MongoLedger
from lila_desktop.services.quota.portal_docs import default_client_factory

SENDER = "51902049935"
HELLO = {"ismaster": True, "maxWireVersion": 21, "minWireVersion": 0}
_MISSING: Any = object()


# --- a MongoDB stand-in --------------------------------------------------------


def _get(doc: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return _MISSING
        doc = doc[part]
    return doc


def _set(doc: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        doc = doc.setdefault(part, {})
    doc[last] = value


def _eq(value: Any, wanted: Any) -> bool:
    if isinstance(value, list):
        return wanted in value or value == wanted
    return value is not _MISSING and value == wanted


def _expr(doc: dict[str, Any], e: Any) -> Any:
    if isinstance(e, str) and e.startswith("$"):
        return _get(doc, e[1:])
    if isinstance(e, dict):
        ((op, args),) = e.items()
        vals = [_expr(doc, a) for a in args]
        if op == "$lt":
            return vals[0] < vals[1]
        if op == "$ifNull":
            return vals[1] if vals[0] is _MISSING or vals[0] is None else vals[0]
        raise NotImplementedError(op)
    return e


def _matches(doc: dict[str, Any], flt: dict[str, Any]) -> bool:
    for field, cond in flt.items():
        if field == "$expr":
            if not _expr(doc, cond):
                return False
            continue
        value = _get(doc, field)
        if isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond):
            for op, arg in cond.items():
                if op == "$in":
                    ok = any(_eq(value, a) for a in arg)
                elif op == "$ne":
                    ok = not _eq(value, arg)
                elif op == "$gt":
                    ok = isinstance(value, int) and value > arg
                else:
                    raise NotImplementedError(op)
                if not ok:
                    return False
        elif not _eq(value, cond):
            return False
    return True


def _apply(doc: dict[str, Any], update: dict[str, Any]) -> None:
    for op, fields in update.items():
        for field, arg in fields.items():
            current = _get(doc, field)
            if op == "$inc":
                _set(doc, field, (0 if current is _MISSING else current) + arg)
            elif op == "$push":
                items = [] if current is _MISSING else list(current)
                items.extend(arg["$each"])
                _set(doc, field, items[arg["$slice"] :] if "$slice" in arg else items)
            elif op == "$pull":
                _set(doc, field, [x for x in current if x != arg])
            else:
                raise NotImplementedError(op)


def _project(doc: dict[str, Any], projection: dict[str, Any] | None) -> dict[str, Any]:
    if not projection:
        return copy.deepcopy(doc)
    out: dict[str, Any] = {"_id": doc["_id"]}
    for field in projection:
        value = _get(doc, field)
        if value is not _MISSING:
            _set(out, field, copy.deepcopy(value))
    return out


class FakePortal:
    """The portal's `shared_db.companies` behind a real MongoDB wire-protocol socket."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs
        self.lock = threading.Lock()
        self.log: list[tuple[str, dict[str, Any]]] = []
        self.faults: dict[str, list[str]] = {}  # command -> faults for its next calls
        self.errors: list[Exception] = []  # commands this fake could not evaluate
        self.stall_seconds = 1.5
        self.stalling = threading.Event()  # a stalled command holds its socket now
        self.end_stall = threading.Event()  # a test may end the stall early
        self.port: int | None = None
        self.server: MockupDB | None = None

    def start(self) -> None:
        self.server = MockupDB(port=self.port, auto_ismaster=HELLO)
        self.server.autoresponds(self._handle)
        self.port = self.server.run()

    def stop(self) -> None:
        self.end_stall.set()
        if self.server is not None:
            # mockupdb race: stop() right after run() closes the listening socket
            # while its accept thread is still inside setblocking(0) (EBADF in
            # that thread). CPython flips the flag before the fcntl call, so
            # wait for the flag and then a little longer.
            sock = self.server._listening_sock
            deadline = time.monotonic() + 5
            while sock.getblocking() and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(0.05)
            self.server.stop()
            self.server = None

    @property
    def uri(self) -> str:
        return f"mongodb://localhost:{self.port}/"

    def doc(self, _id: Any) -> dict[str, Any]:
        return next(d for d in self.docs if d["_id"] == _id)

    def calls(self, name: str) -> list[dict[str, Any]]:
        return [body for cmd, body in self.log if cmd == name]

    def fail_next(self, command: str, *faults: str) -> None:
        self.faults.setdefault(command, []).extend(faults)

    def _handle(self, request: Any) -> bool:
        name = request.command_name
        if name not in ("find", "findAndModify", "update", "insert", "dropDatabase", "ping"):
            return False  # hello/ismaster: mockupdb's auto responder
        body = dict(request.doc)
        with self.lock:
            self.log.append((name, body))
            queue = self.faults.get(name)
            fault = queue.pop(0) if queue else None
        try:
            if fault == "hangup":  # the write never reaches the server
                request.hangup()
                return True
            if fault == "stall":  # a server too slow to wait for
                self.stalling.set()
                self.end_stall.wait(self.stall_seconds)
                self.stalling.clear()
                request.hangup()
                return True
            try:
                with self.lock:
                    reply = getattr(self, "_" + name)(body)
            except Exception as exc:  # a bug in this fake: fail the test, not the thread
                self.errors.append(exc)
                request.command_err(errmsg=f"FakePortal: {exc!r}")
                return True
            if fault == "drop_reply":  # applied, but the reply is lost
                request.hangup()
            else:
                request.ok(**reply)
        except OSError:
            pass  # the client gave up on this socket first
        return True

    def _find(self, body: dict[str, Any]) -> dict[str, Any]:
        found = [d for d in self.docs if _matches(d, body.get("filter", {}))]
        if body.get("limit"):
            found = found[: abs(body["limit"])]
        batch = [_project(d, body.get("projection")) for d in found]
        return {"cursor": {"id": 0, "firstBatch": batch, "ns": "shared_db.companies"}}

    def _findAndModify(self, body: dict[str, Any]) -> dict[str, Any]:
        for d in self.docs:
            if _matches(d, body["query"]):
                before = _project(d, body.get("fields"))
                _apply(d, body["update"])
                after = _project(d, body.get("fields"))
                value = after if body.get("new") else before
                return {"value": value, "lastErrorObject": {"n": 1, "updatedExisting": True}}
        return {"value": None, "lastErrorObject": {"n": 0, "updatedExisting": False}}

    def _ping(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _insert(self, body: dict[str, Any]) -> dict[str, Any]:
        self.docs.extend(copy.deepcopy(d) for d in body["documents"])
        return {"n": len(body["documents"])}

    def _dropDatabase(self, body: dict[str, Any]) -> dict[str, Any]:
        self.docs.clear()
        return {}

    def _update(self, body: dict[str, Any]) -> dict[str, Any]:
        n = 0
        for spec in body["updates"]:
            for d in self.docs:
                if _matches(d, spec["q"]):
                    _apply(d, spec["u"])
                    n += 1
                    break
        return {"n": n, "nModified": n}


def company(
    *, sender: str = "+" + SENDER, limit: int | None = 10, used: int = 0, active: bool = True
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": ObjectId(),
        "companyId": "acme",
        "isActive": active,
        "whatsappConfig": {"sender": sender},
        "subscription": {"usage": {"whatsappMessages": used}},
    }
    if limit is not None:
        doc["limits"] = {"whatsappMessages": limit}
    return doc


def usage(portal: FakePortal, doc: dict[str, Any]) -> int:
    return int(portal.doc(doc["_id"])["subscription"]["usage"]["whatsappMessages"])


def fast_client(uri: str) -> MongoClient[dict[str, Any]]:
    # The seed's settings with test-sized waits (the production defaults are 5 s).
    return default_client_factory(
        uri, serverSelectionTimeoutMS=1000, heartbeatFrequencyMS=500, connectTimeoutMS=1000
    )


@pytest.fixture
def acme() -> dict[str, Any]:
    return company()


@pytest.fixture
def portal(acme: dict[str, Any]) -> Iterator[FakePortal]:
    p = FakePortal([acme])
    p.start()
    yield p
    p.stop()
    assert not p.errors


def make_ledger(portal: FakePortal, tmp_path: Path, **kw: Any) -> MongoLedger:
    kw.setdefault("client_factory", fast_client)
    kw.setdefault("op_timeout", 1.0)
    kw.setdefault("breaker", CircuitBreaker(failure_threshold=1, reset_after=0.3))
    kw.setdefault("status_max_age", 0.0)
    return MongoLedger(portal.uri, outbox_path=tmp_path / "outbox.sqlite3", **kw)


@pytest_asyncio.fixture
async def ledger(portal: FakePortal, tmp_path: Path) -> AsyncIterator[MongoLedger]:
    led = make_ledger(portal, tmp_path)
    yield led
    await led.aclose()


async def wait_reachable(led: MongoLedger, timeout: float = 10.0) -> None:
    """Flush until the portal answers again (the breaker lets a probe through)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(0.35)
        await led.flush()
        if led.portal_reachable:
            return
    raise AssertionError("the portal never came back")


# --- lookups and counting -----------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("stored", ["+" + SENDER, SENDER])
async def test_lookup_by_sender_with_or_without_plus(tmp_path: Path, stored: str) -> None:
    other = company(sender="+51999999999")
    inactive = company(sender=stored, active=False)
    target = company(sender=stored, limit=50, used=7)
    portal = FakePortal([inactive, other, target])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            s = await led.status("+" + SENDER)
    finally:
        portal.stop()
    assert (s.company_id, s.limit, s.used, s.remaining) == ("acme", 50, 7, 43)
    assert s.source == "portal" and s.portal_reachable and not s.stale
    (lookup,) = [f for f in portal.calls("find") if "whatsappConfig.sender" in f["filter"]]
    assert lookup["filter"] == {
        "whatsappConfig.sender": {"$in": [SENDER, "+" + SENDER]},
        "isActive": True,
    }
    assert "lilaAppliedKeys" not in lookup["projection"]  # the key list stays in the portal


@pytest.mark.asyncio
async def test_lookup_by_configured_company_id(tmp_path: Path) -> None:
    a, b = company(sender="+1"), company(sender="+2")
    b["companyId"] = "shop-7"
    portal = FakePortal([a, b])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path, company_id="shop-7") as led:
            await led.reserve(SENDER, "m1")
    finally:
        portal.stop()
    assert usage(portal, b) == 1 and usage(portal, a) == 0
    assert portal.calls("find")[0]["filter"] == {"companyId": "shop-7", "isActive": True}


@pytest.mark.asyncio
async def test_unknown_or_ambiguous_sender_is_explained(tmp_path: Path) -> None:
    portal = FakePortal([company(sender="+111111111"), company(), company(sender=SENDER)])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            with pytest.raises(CompanyNotFound, match="Several active companies"):
                await led.reserve(SENDER, "m1")
            with pytest.raises(CompanyNotFound, match="No active company") as info:
                await led.reserve("51900000000", "m2")
            assert info.value.code == "WHATSAPP_COMPANY_NOT_FOUND"
            assert led.portal_reachable  # the portal answered; it is not an outage
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_reserve_increments_with_inc_and_commit_costs_no_round_trip(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    s = await ledger.reserve(SENDER, "m1")
    assert (s.used, s.reserved, s.remaining) == (0, 1, 9)
    assert usage(portal, acme) == 1  # counted in the portal at once: laptops share it
    (fam,) = portal.calls("findAndModify")
    assert fam["update"]["$inc"] == {"subscription.usage.whatsappMessages": 1}
    assert fam["query"]["lilaAppliedKeys"] == {"$ne": "m1"}
    before = len(portal.log)
    s = await ledger.commit(SENDER, "m1")
    assert len(portal.log) == before
    assert (s.used, s.reserved, s.remaining) == (1, 0, 9)
    s = await ledger.reserve(SENDER, "m1")  # a retry
    assert usage(portal, acme) == 1
    assert portal.doc(acme["_id"])["lilaAppliedKeys"] == ["m1"]


@pytest.mark.asyncio
async def test_over_quota_is_refused_by_the_portal(tmp_path: Path) -> None:
    full = company(limit=3, used=2)
    portal = FakePortal([full])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            await led.reserve(SENDER, "last")
            with pytest.raises(QuotaExceeded) as info:
                await led.reserve(SENDER, "one-too-many")
            assert info.value.code == "WHATSAPP_QUOTA_EXCEEDED"
            assert info.value.status.remaining == 0 and not info.value.status.stale
            assert usage(portal, full) == 3
            await led.release(SENDER, "last")  # that send failed: refunded in the portal
            assert usage(portal, full) == 2
            assert "last" not in portal.doc(full["_id"])["lilaAppliedKeys"]
            assert (await led.reserve(SENDER, "again")).remaining == 0
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_missing_limit_means_the_portal_default(tmp_path: Path) -> None:
    portal = FakePortal([company(limit=None, used=4)])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            assert (await led.status(SENDER)).limit == 1000
            assert (await led.reserve(SENDER, "k")).remaining == 995
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_parallel_sends_from_two_laptops_never_exceed_the_limit(
    tmp_path: Path,
) -> None:
    shop = company(limit=25, used=5)
    portal = FakePortal([shop])
    portal.start()
    try:
        async with (
            make_ledger(portal, tmp_path / "a") as a,
            make_ledger(portal, tmp_path / "b") as b,
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
            assert usage(portal, shop) == 25
            assert (await a.status(SENDER)).remaining == 0
    finally:
        portal.stop()


# --- lost replies, outages, slowness -----------------------------------------------


@pytest.mark.asyncio
async def test_lost_reply_on_reserve_is_counted_exactly_once(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    await ledger.status(SENDER)  # the ledger has seen the quota once
    portal.fail_next("findAndModify", "drop_reply")
    s = await ledger.reserve(SENDER, "lost")
    assert s.stale and not s.portal_reachable  # went on locally
    assert usage(portal, acme) == 1  # ... but the portal did apply it
    await ledger.commit(SENDER, "lost")
    await wait_reachable(ledger)
    assert usage(portal, acme) == 1
    assert portal.doc(acme["_id"])["lilaAppliedKeys"] == ["lost"]
    s = await ledger.status(SENDER)
    assert (s.used, s.reserved, s.stale) == (1, 0, False)


@pytest.mark.asyncio
async def test_lost_reply_then_failed_send_is_refunded(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    await ledger.status(SENDER)
    portal.fail_next("findAndModify", "drop_reply")
    await ledger.reserve(SENDER, "lost")
    await ledger.release(SENDER, "lost")
    await wait_reachable(ledger)
    assert usage(portal, acme) == 0
    assert portal.doc(acme["_id"])["lilaAppliedKeys"] == []


@pytest.mark.asyncio
async def test_lost_reply_on_flush_does_not_count_twice(
    ledger: MongoLedger, portal: FakePortal, acme: dict[str, Any]
) -> None:
    await ledger.status(SENDER)
    portal.fail_next("findAndModify", "hangup")  # never applied this time
    await ledger.reserve(SENDER, "k1")
    await ledger.commit(SENDER, "k1")
    assert usage(portal, acme) == 0
    portal.fail_next("update", "drop_reply")  # the flush applies, its ack is lost
    await asyncio.sleep(0.35)
    assert await ledger.flush() == 0
    assert usage(portal, acme) == 1
    await wait_reachable(ledger)  # flushed again: the key guard makes it a no-op
    assert usage(portal, acme) == 1
    assert len(portal.calls("update")) == 2


@pytest.mark.asyncio
async def test_server_down_outbox_then_flushed_exactly_once(
    portal: FakePortal, acme: dict[str, Any], tmp_path: Path
) -> None:
    led = make_ledger(portal, tmp_path)
    try:
        assert (await led.status(SENDER)).remaining == 10
        portal.stop()
        statuses = []
        for i in range(6):
            statuses.append(await led.reserve(SENDER, f"off{i}"))
            # One bounded wait (the first send), then the breaker: the rest never
            # ask the portal (how long that one wait takes: bench/bench_quota.py).
            assert not led._gate.breaker.is_closed, i
            if i == 5:
                await led.release(SENDER, f"off{i}")  # one send failed
            else:
                await led.commit(SENDER, f"off{i}")
        assert all(s.stale and not s.portal_reachable for s in statuses)
        s = await led.status(SENDER)
        assert (s.used, s.reserved, s.remaining, s.portal_reachable) == (5, 0, 5, False)
        await led.aclose()  # shut down during the outage: the outbox is on disk
        assert usage(portal, acme) == 0

        portal.start()  # same port: the portal is back
        led = make_ledger(portal, tmp_path)
        await wait_reachable(led)
        assert usage(portal, acme) == 5
        assert sorted(portal.doc(acme["_id"])["lilaAppliedKeys"]) == [f"off{i}" for i in range(5)]
        assert await led.flush() == 0  # nothing left
        s = await led.status(SENDER)
        assert (s.used, s.remaining, s.portal_reachable, s.stale) == (5, 5, True, False)
    finally:
        await led.aclose()
    async with make_ledger(portal, tmp_path) as again:  # a restart flushes nothing twice
        await again.status(SENDER)
    assert usage(portal, acme) == 5


@pytest.mark.asyncio
async def test_outage_sends_stop_at_the_last_known_remaining(tmp_path: Path) -> None:
    shop = company(limit=5, used=2)
    portal = FakePortal([shop])
    portal.start()
    try:
        async with make_ledger(portal, tmp_path) as led:
            await led.reserve(SENDER, "online")  # portal says 3 used, 2 remain
            portal.stop()
            await led.reserve(SENDER, "off1")
            await led.reserve(SENDER, "off2")
            with pytest.raises(QuotaExceeded) as info:
                await led.reserve(SENDER, "off3")
            assert info.value.status.stale
            for k in ("online", "off1", "off2"):
                await led.commit(SENDER, k)
            portal.start()
            await wait_reachable(led)
            assert usage(portal, shop) == 5
    finally:
        portal.stop()


@pytest.mark.asyncio
async def test_outage_before_any_contact_is_unavailable(tmp_path: Path) -> None:
    portal = FakePortal([company()])
    with socket.socket() as probe:  # a free port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        portal.port = probe.getsockname()[1]
    async with make_ledger(portal, tmp_path) as led:
        with pytest.raises(QuotaUnavailable, match="unreachable"):
            await led.reserve(SENDER, "k")
        with pytest.raises(QuotaUnavailable):
            await led.status(SENDER)
        assert not led.portal_reachable


@pytest.mark.asyncio
async def test_slow_server_bounded_wait_then_breaker_fails_fast(
    portal: FakePortal, acme: dict[str, Any], tmp_path: Path
) -> None:
    clock = [1000.0]  # the breaker's clock, moved by hand
    async with make_ledger(portal, tmp_path, monotonic=lambda: clock[0]) as ledger:
        await _slow_server(ledger, portal, clock)
    assert usage(portal, acme) == 2


async def _slow_server(ledger: MongoLedger, portal: FakePortal, clock: list[float]) -> None:
    await ledger.status(SENDER)
    portal.stall_seconds = 60.0  # held until the test ends it
    portal.fail_next("findAndModify", "stall")
    s = await ledger.reserve(SENDER, "slow")
    # The send went on (stale) while the portal still sat on the command: the
    # wait was op_timeout's, not the stall's (its length: bench/bench_quota.py).
    assert s.stale and portal.stalling.is_set()
    calls = len(portal.log)
    await ledger.reserve(SENDER, "fast")  # breaker open: the portal is not asked
    clock[0] += 10.0  # past reset_after: still, a send never carries the probe
    await ledger.reserve(SENDER, "fast-2")
    assert len(portal.log) == calls
    await ledger.release(SENDER, "fast-2")
    await ledger.commit(SENDER, "slow")
    await ledger.commit(SENDER, "fast")
    portal.end_stall.set()
    await wait_reachable(ledger)


@pytest.mark.asyncio
async def test_background_flusher_sends_queued_usage_without_new_sends(
    portal: FakePortal, acme: dict[str, Any], tmp_path: Path
) -> None:
    async with make_ledger(portal, tmp_path, flush_interval=0.2) as led:
        await led.status(SENDER)
        portal.fail_next("findAndModify", "hangup")
        await led.reserve(SENDER, "queued")
        await led.commit(SENDER, "queued")
        deadline = time.monotonic() + 5
        while usage(portal, acme) == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert usage(portal, acme) == 1


@pytest.mark.asyncio
async def test_closed_ledger_refuses_work(ledger: MongoLedger) -> None:
    await ledger.aclose()
    await ledger.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await ledger.reserve(SENDER, "k")


@pytest.mark.asyncio
async def test_background_probe_notices_the_portal_is_back(
    portal: FakePortal, tmp_path: Path
) -> None:
    async with make_ledger(portal, tmp_path, flush_interval=0.2) as led:
        await led.status(SENDER)
        # pymongo retries a read once, and the background flusher may read in
        # between: one hangup more than needed, and none left over afterwards.
        portal.fail_next("find", "hangup", "hangup", "hangup")
        s = await led.status(SENDER)  # nothing queued, only the status read failed
        with portal.lock:
            portal.faults.clear()
        assert not s.portal_reachable and s.stale
        deadline = time.monotonic() + 5
        while not led.portal_reachable and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert led.portal_reachable
        assert portal.calls("ping")  # the probe, with no usage to send
        assert not (await led.status(SENDER)).stale
