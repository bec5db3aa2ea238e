"""A MongoDB stand-in for the company portal, for tests and benchmarks.

No MongoDB server can be installed here (TOOLCHAIN.md), so `FakePortal` serves
MongoDB's wire protocol with mockupdb and evaluates, on an in-memory document
list, exactly the operators the ledger sends (`$in`, `$ne`, `$gt`, `$expr`
with `$lt`/`$ifNull`, `$inc`, `$push` with `$each`/`$slice`, `$pull`). Faults
are injected per command: a reply lost after the write was applied, a hang-up
before it, a stall (held until `end_stall` or `stall_seconds`); the whole
server can be stopped and started again on the same port.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from bson import ObjectId
from mockupdb import MockupDB
from pymongo import MongoClient

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
