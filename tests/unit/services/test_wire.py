"""Engine messages into the core's events (services/engine/wire.py), and the
connect failures, by WhatsApp's code, into the policy's classes.

Every code whatsmeow's ConnectFailureReason knows (NEONIZE_NOTES: 400, 401,
402, 403, 405, 406, 409, 500, 501, 503), the replaced code, the transient
codes of the policy table and a failure without a code. A transient code read
as a logout would throw a number's credentials away (the audit's mutant).
"""

from __future__ import annotations

import time

import pytest

from lila_desktop.core.events import (
    LOGOUT_CODES,
    TEMP_BAN_CODE,
    TRANSIENT_CODES,
    ClientOutdated,
    Connected,
    Disconnected,
    LoggedOut,
    PairCodeIssued,
    Paired,
    QrExpired,
    QrReceived,
    StoreCorrupt,
    StreamReplaced,
    TemporaryBan,
    TransportEvent,
)
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.wire import UNKNOWN_BAN_SECONDS, event_from_wire

NOW = 1_769_603_445.0
# whatsmeow's ConnectFailureReason (neonize's numbers 1..10) by WhatsApp's code.
WHATSMEOW_CODES = (400, 401, 402, 403, 406, 405, 409, 500, 501, 503)


def _failure(code: int | None, message: str = "boom") -> TransportEvent | None:
    wire = {"v": 1, "ev": p.EV_CONNECT_FAILURE, "phone": "1", "gen": 1, "code": code}
    return event_from_wire(wire | {"message": message}, NOW)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(400, Disconnected(400, "boom"), id="400-generic-transient"),
        pytest.param(401, LoggedOut(401, on_connect=True), id="401-logged-out"),
        pytest.param(402, TemporaryBan(402, NOW + UNKNOWN_BAN_SECONDS), id="402-temp-ban"),
        pytest.param(403, LoggedOut(403, on_connect=True), id="403-main-device-gone"),
        pytest.param(405, ClientOutdated(), id="405-outdated"),
        pytest.param(406, LoggedOut(406, on_connect=True), id="406-unknown-logout"),
        pytest.param(409, ClientOutdated(), id="409-bad-user-agent"),
        pytest.param(440, StreamReplaced(), id="440-replaced"),
        pytest.param(500, Disconnected(500, "boom"), id="500-internal-error"),
        pytest.param(501, Disconnected(501, "boom"), id="501-experimental"),
        pytest.param(503, Disconnected(503, "boom"), id="503-unavailable"),
        pytest.param(None, Disconnected(None, "boom"), id="no-code-dns-or-socket"),
        pytest.param(599, Disconnected(599, "boom"), id="unknown-code"),
    ],
)
def test_every_connect_failure_code_has_its_class(code: int | None, expected: object) -> None:
    assert _failure(code) == expected


def test_the_table_covers_every_whatsmeow_reason() -> None:
    seen = {type(_failure(code)) for code in WHATSMEOW_CODES}
    assert seen == {Disconnected, LoggedOut, TemporaryBan, ClientOutdated}


@pytest.mark.parametrize("code", sorted(TRANSIENT_CODES))
def test_a_transient_code_keeps_the_credentials(code: int) -> None:
    event = _failure(code)
    assert isinstance(event, Disconnected), event
    assert event.code == code


@pytest.mark.parametrize("code", sorted(LOGOUT_CODES))
def test_only_logout_codes_log_out(code: int) -> None:
    assert _failure(code) == LoggedOut(code, on_connect=True)
    others = set(range(400, 600)) - LOGOUT_CODES
    assert not [c for c in others if isinstance(_failure(c), LoggedOut)]


def test_a_failure_without_words_still_says_what_failed() -> None:
    assert _failure(503, "") == Disconnected(503, "connect failed")


@pytest.mark.parametrize("raw", ["503", 503.0, True, "x", [503]])
def test_odd_code_values_on_the_wire(raw: object) -> None:
    wire = {"v": 1, "ev": p.EV_CONNECT_FAILURE, "phone": "1", "gen": 1, "code": raw}
    event = event_from_wire(wire, NOW)
    assert isinstance(event, Disconnected)  # never a logout from a malformed code
    assert event.code == (503 if raw in ("503", 503.0) else None)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"ev": p.EV_QR, "code": "2@abc"}, QrReceived("2@abc")),
        ({"ev": p.EV_QR}, QrReceived("")),
        ({"ev": p.EV_QR_EXPIRED}, QrExpired()),
        ({"ev": p.EV_PAIR_CODE, "code": "ABCD1234"}, PairCodeIssued("ABCD1234")),
        ({"ev": p.EV_PAIR_CODE}, PairCodeIssued("")),
        (
            {"ev": p.EV_PAIRED, "jid": "51902049935:7@s.whatsapp.net"},
            Paired("51902049935:7@s.whatsapp.net"),
        ),
        ({"ev": p.EV_PAIRED}, Paired("")),
        ({"ev": p.EV_CONNECTED}, Connected()),
        (
            {"ev": p.EV_DISCONNECTED, "code": 428, "reason": "stream 428"},
            Disconnected(428, "stream 428"),
        ),
        ({"ev": p.EV_DISCONNECTED}, Disconnected(None, "")),
        ({"ev": p.EV_REPLACED}, StreamReplaced()),
        ({"ev": p.EV_TEMP_BAN, "code": 402, "expire": NOW + 60}, TemporaryBan(402, NOW + 60)),
        ({"ev": p.EV_TEMP_BAN, "code": 101, "expire": NOW + 60}, TemporaryBan(101, NOW + 60)),
        ({"ev": p.EV_TEMP_BAN, "expire": 5}, TemporaryBan(TEMP_BAN_CODE, 5.0)),
        ({"ev": p.EV_TEMP_BAN, "expire": "soon"}, TemporaryBan(402, NOW + UNKNOWN_BAN_SECONDS)),
        ({"ev": p.EV_LOGGED_OUT, "code": 403, "on_connect": True}, LoggedOut(403, True)),
        ({"ev": p.EV_LOGGED_OUT}, LoggedOut(401, False)),
        ({"ev": p.EV_OUTDATED}, ClientOutdated()),
        ({"ev": p.EV_STORE_CORRUPT, "reason": "malformed"}, StoreCorrupt("malformed")),
        ({"ev": p.EV_STORE_CORRUPT}, StoreCorrupt("unreadable store")),
        ({"ev": p.EV_CONNECT_FAILURE}, Disconnected(None, "connect failed")),
        ({"ev": "stats"}, None),
        ({}, None),
    ],
)
def test_every_engine_event_becomes_its_core_event(
    message: dict[str, object], expected: TransportEvent | None
) -> None:
    assert event_from_wire({"v": 1, "phone": "1", "gen": 1, **message}, NOW) == expected


def test_without_a_clock_a_ban_without_expiry_counts_from_now() -> None:
    before = time.time()
    event = event_from_wire({"ev": p.EV_TEMP_BAN})
    assert isinstance(event, TemporaryBan)
    assert before + UNKNOWN_BAN_SECONDS <= event.expire_at <= time.time() + UNKNOWN_BAN_SECONDS
