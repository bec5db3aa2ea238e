"""The pool <-> engine wire format: versioned JSON lines, strictly validated."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lila_desktop.services.engine import protocol as p


def roundtrip(line: bytes) -> dict[str, Any]:
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # exactly one line
    return p.decode(line)


@pytest.mark.parametrize("op", sorted(p.OPS))
def test_every_request_round_trips(op: str) -> None:
    message = roundtrip(p.request(7, op, phone="51902049935", gen=3, store="/tmp/a b/ñ"))
    assert message == {
        "v": p.PROTOCOL_VERSION,
        "id": 7,
        "op": op,
        "args": {"phone": "51902049935", "gen": 3, "store": "/tmp/a b/ñ"},
    }


def test_request_without_args() -> None:
    assert roundtrip(p.request(1, p.OP_HELLO))["args"] == {}


@pytest.mark.parametrize(
    "result",
    [None, 0, "ok", [1, 2], {"message_id": "3EB0", "timestamp": 1769603445.123}, True],
    ids=repr,
)
def test_ok_response_round_trips(result: Any) -> None:
    message = roundtrip(p.response_ok(42, result))
    assert message == {"v": 1, "id": 42, "ok": True, "result": result}


def test_error_response_round_trips() -> None:
    message = roundtrip(p.response_error(9, "this number is not running", "NOT_RUNNING"))
    assert message["ok"] is False
    assert message["error"] == {"message": "this number is not running", "code": "NOT_RUNNING"}
    assert roundtrip(p.response_error(9, "boom"))["error"]["code"] == "ENGINE_ERROR"


@pytest.mark.parametrize("name", sorted(p.SESSION_EVENTS))
def test_every_session_event_round_trips(name: str) -> None:
    message = roundtrip(p.event(name, phone="51902049935", gen=12, code=408, reason="x"))
    assert message == {
        "v": 1,
        "ev": name,
        "phone": "51902049935",
        "gen": 12,
        "code": 408,
        "reason": "x",
    }


def test_engine_wide_event_has_no_phone() -> None:
    message = roundtrip(p.event(p.EV_NETWORK, up=True))
    assert message == {"v": 1, "ev": "network", "phone": None, "gen": None, "up": True}


def test_text_with_newlines_and_unicode_stays_on_one_line() -> None:
    text = "hola\nque tal\r\n\u2028 ñandú 🧉 \x00"
    message = roundtrip(p.request(5, p.OP_SEND_TEXT, phone="519", to="51", text=text))
    assert message["args"]["text"] == text


def _line(obj: Any) -> bytes:
    return json.dumps(obj).encode() + b"\n"


MALFORMED = [
    pytest.param(b"", "not JSON", id="empty"),
    pytest.param(b"\n", "not JSON", id="blank-line"),
    pytest.param(b"hello engine\n", "not JSON", id="plain-text"),
    pytest.param(b'{"v": 1, "id": 1\n', "not JSON", id="truncated"),
    pytest.param(b"\xff\xfe\x00{\n", "not JSON", id="not-utf8"),
    pytest.param(b"Login event: timeout\n", "not JSON", id="go-stdout-noise"),
    pytest.param(_line([1, 2]), "JSON object", id="array"),
    pytest.param(_line("string"), "JSON object", id="string"),
    pytest.param(_line(1), "JSON object", id="number"),
    pytest.param(_line(None), "JSON object", id="null"),
    pytest.param(_line({"id": 1, "op": "hello"}), "protocol version None", id="no-version"),
    pytest.param(_line({"v": 2, "id": 1, "op": "hello"}), "version 2, expected 1", id="v2"),
    pytest.param(_line({"v": 0, "ev": "qr"}), "version 0", id="v0"),
    pytest.param(_line({"v": "1", "ev": "qr"}), "version '1'", id="version-as-text"),
    pytest.param(_line({"v": None, "ev": "qr"}), "version None", id="version-null"),
    pytest.param(_line({"v": 1, "id": 1, "op": "rm -rf"}), "bad request", id="unknown-op"),
    pytest.param(_line({"v": 1, "id": 1, "op": None}), "bad request", id="null-op"),
    pytest.param(_line({"v": 1, "op": "start"}), "bad request", id="request-no-id"),
    pytest.param(_line({"v": 1, "id": "1", "op": "start"}), "bad request", id="text-id"),
    pytest.param(_line({"v": 1, "id": 1.0, "op": "start"}), "bad request", id="float-id"),
    pytest.param(_line({"v": 1, "id": 1, "op": "start", "args": []}), "args", id="list-args"),
    pytest.param(_line({"v": 1, "id": 1, "op": "start", "args": "x"}), "args", id="text-args"),
    pytest.param(_line({"v": 1, "ev": 5}), "event name", id="numeric-event"),
    pytest.param(_line({"v": 1, "ev": None}), "event name", id="null-event"),
    pytest.param(_line({"v": 1, "id": 1}), "bad response", id="response-no-ok"),
    pytest.param(_line({"v": 1, "id": 1, "ok": "yes"}), "bad response", id="text-ok"),
    pytest.param(_line({"v": 1, "id": 1, "ok": 1}), "bad response", id="numeric-ok"),
    pytest.param(_line({"v": 1, "id": "7", "ok": True}), "bad response", id="response-text-id"),
    pytest.param(_line({"v": 1}), "neither", id="only-version"),
    pytest.param(_line({"v": 1, "result": 3}), "neither", id="no-kind"),
]


@pytest.mark.parametrize(("line", "says"), MALFORMED)
def test_every_malformed_line_raises_protocol_error(line: bytes, says: str) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode(line)
    assert says in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(_line({"v": True, "ev": "qr"}), id="version-true"),
        pytest.param(_line({"v": 1, "id": True, "op": "hello"}), id="request-id-true"),
        pytest.param(_line({"v": 1, "id": False, "ok": True}), id="response-id-false"),
    ],
)
def test_booleans_are_not_numbers(line: bytes) -> None:
    try:
        p.decode(line)
    except p.ProtocolError:
        return
    raise AssertionError("accepted a boolean where a number belongs")


def test_oversized_line_is_refused_before_parsing() -> None:
    padding = "x" * (p.MAX_LINE + 1)
    with pytest.raises(p.ProtocolError, match=r"exceeds 1048576"):
        p.decode(p.event(p.EV_LOG, msg=padding))
    # Even garbage that big is refused for its size, not parsed first.
    with pytest.raises(p.ProtocolError, match="exceeds"):
        p.decode(b"[" * (p.MAX_LINE + 1))


def test_a_line_of_exactly_max_line_bytes_is_accepted() -> None:
    empty = p.event(p.EV_LOG, msg="")
    line = p.event(p.EV_LOG, msg="x" * (p.MAX_LINE - len(empty)))
    assert len(line) == p.MAX_LINE
    assert p.decode(line)["msg"].startswith("xxx")


def test_deeply_nested_json_is_a_protocol_error_not_a_crash() -> None:
    line = b'{"v": 1, "ev": "log", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert len(line) < p.MAX_LINE
    try:
        message = p.decode(line)
    except p.ProtocolError:
        return
    except RecursionError:
        pytest.fail("a hostile line must raise ProtocolError, not RecursionError")
    assert message["ev"] == "log"


def test_vocabularies_are_consistent() -> None:
    assert p.SESSION_EVENTS.isdisjoint({p.EV_NETWORK, p.EV_LOG})
    assert all(name == name.lower() for name in p.OPS | p.SESSION_EVENTS | set(p.SIM_EVENTS))
    assert p.OP_SIMULATE in p.OPS and "scan" in p.SIM_EVENTS
