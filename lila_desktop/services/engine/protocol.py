"""The pool <-> engine message protocol: versioned JSON lines over pipes.

Three shapes, one JSON object per line:
- request  (pool -> engine): {"v": 1, "id": 7, "op": "start", "args": {...}}
- response (engine -> pool): {"v": 1, "id": 7, "ok": true, "result": ...}
                             {"v": 1, "id": 7, "ok": false, "error": {"message", "code"}}
- event    (engine -> pool): {"v": 1, "ev": "connected", "phone": "519...", "gen": 3, ...}

The engine answers `hello` with its protocol version; the pool refuses an
engine of another version (a stale frozen build, say) instead of guessing.
QR codes and pairing codes travel here but are never logged.
"""

from __future__ import annotations

import json
from typing import Any, Final

PROTOCOL_VERSION: Final = 1
MAX_LINE: Final = 1 << 20  # a QR payload is ~250 bytes; anything near 1 MB is a bug

# Requests (pool -> engine)
OP_HELLO: Final = "hello"  # -> {"v", "pid", "transport"}
OP_START: Final = "start"  # {"phone", "gen", "store"} -> null
OP_STOP: Final = "stop"  # {"phone"} -> null
OP_LOGOUT: Final = "logout"  # {"phone"} -> null
OP_PAIR_PHONE: Final = "pair_phone"  # {"phone"} -> {"code"}
OP_SEND_TEXT: Final = "send_text"  # {"phone", "to", "text"} -> {"message_id", "timestamp"}
OP_SIMULATE: Final = "simulate"  # {"phone"|null, "event", "args"} -> null
OP_STATS: Final = "stats"  # -> {"pid", "fds", "rss", "clients", "connects"}
OP_SHUTDOWN: Final = "shutdown"  # stop every client, then exit 0
OPS: Final = frozenset(
    {
        OP_HELLO,
        OP_START,
        OP_STOP,
        OP_LOGOUT,
        OP_PAIR_PHONE,
        OP_SEND_TEXT,
        OP_SIMULATE,
        OP_STATS,
        OP_SHUTDOWN,
    }
)

# Events (engine -> pool); per-session ones carry "phone" and "gen".
EV_QR: Final = "qr"  # {"code"}
EV_QR_EXPIRED: Final = "qr_expired"
EV_PAIR_CODE: Final = "pair_code"  # {"code"}
EV_PAIRED: Final = "paired"  # {"jid"}
EV_CONNECTED: Final = "connected"
EV_DISCONNECTED: Final = "disconnected"  # {"code": int|null, "reason"}
EV_REPLACED: Final = "replaced"
EV_TEMP_BAN: Final = "temp_ban"  # {"code", "expire": epoch seconds}
EV_LOGGED_OUT: Final = "logged_out"  # {"code", "on_connect"}
EV_OUTDATED: Final = "outdated"
EV_CONNECT_FAILURE: Final = "connect_failure"  # {"code": int|null, "message"}
EV_STORE_CORRUPT: Final = "store_corrupt"  # {"reason"}
# WhatsApp's delivery/read receipt for messages this number sent (the outbox
# listens; the session's status does not change).
EV_RECEIPT: Final = "receipt"  # {"ids": [message id...], "kind": "delivered"|"read"}
# Engine-wide events (no phone).
EV_NETWORK: Final = "network"  # {"up": bool}
EV_LOG: Final = "log"  # {"level", "logger", "msg"}

SESSION_EVENTS: Final = frozenset(
    {
        EV_QR,
        EV_QR_EXPIRED,
        EV_PAIR_CODE,
        EV_PAIRED,
        EV_CONNECTED,
        EV_DISCONNECTED,
        EV_REPLACED,
        EV_TEMP_BAN,
        EV_LOGGED_OUT,
        EV_OUTDATED,
        EV_CONNECT_FAILURE,
        EV_STORE_CORRUPT,
    }
)

# Simulated faults (OP_SIMULATE "event"), the API's /simulate vocabulary.
SIM_EVENTS: Final = (
    "scan",
    "disconnect",
    "network_down",
    "network_up",
    "replaced",
    "temp_ban",
    "logout",
    "outdated",
    "corrupt_store",
    "engine_crash",
    "receipt",  # {"ids": [...], "kind": "delivered"|"read"}: the recipient's receipt
    "refuse",  # {"to"}: WhatsApp refuses messages to this recipient (not on WhatsApp)
    "stall",  # {"seconds"}: keep-alives go unanswered (a drop only past whatsmeow's 3 min)
    "device_removed",  # removed on the phone unheard: learnt at the next login (401)
    "refuse_link",  # {"reason"}: WhatsApp turns the next link attempt away before its QR
)


class EngineError(Exception):
    """The engine refused a request; `code` is machine-readable."""

    def __init__(self, message: str, code: str = "ENGINE_ERROR") -> None:
        super().__init__(message)
        self.code = code


class EngineUnavailable(EngineError):
    def __init__(self, message: str = "the engine is restarting; try again in a moment") -> None:
        super().__init__(message, "ENGINE_UNAVAILABLE")


class ProtocolError(ValueError):
    """A line that is not a valid message of this protocol version."""


def encode(message: dict[str, Any]) -> bytes:
    data = json.dumps({"v": PROTOCOL_VERSION, **message}, separators=(",", ":"))
    return data.encode("utf-8") + b"\n"


def request(req_id: int, op: str, **args: Any) -> bytes:
    return encode({"id": req_id, "op": op, "args": args})


def response_ok(req_id: int, result: Any = None) -> bytes:
    return encode({"id": req_id, "ok": True, "result": result})


def response_error(req_id: int, message: str, code: str = "ENGINE_ERROR") -> bytes:
    return encode({"id": req_id, "ok": False, "error": {"message": message, "code": code}})


def event(name: str, phone: str | None = None, gen: int | None = None, **fields: Any) -> bytes:
    return encode({"ev": name, "phone": phone, "gen": gen, **fields})


def decode(line: bytes) -> dict[str, Any]:
    """Parse and validate one line; raise ProtocolError if it is not ours."""
    if len(line) > MAX_LINE:
        raise ProtocolError(f"line of {len(line)} bytes exceeds {MAX_LINE}")
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    # `type(x) is int`: JSON true must not pass for 1.
    if type(message.get("v")) is not int or message["v"] != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {message.get('v')!r}, expected {PROTOCOL_VERSION}")
    if "op" in message:
        if message["op"] not in OPS or type(message.get("id")) is not int:
            raise ProtocolError(f"bad request {message.get('op')!r}")
        if not isinstance(message.get("args", {}), dict):
            raise ProtocolError("request args must be an object")
    elif "ev" in message:
        if not isinstance(message["ev"], str):
            raise ProtocolError("event name must be a string")
    elif "id" in message:
        if type(message["id"]) is not int or not isinstance(message.get("ok"), bool):
            raise ProtocolError("bad response")
    else:
        raise ProtocolError("neither request, response nor event")
    return message
