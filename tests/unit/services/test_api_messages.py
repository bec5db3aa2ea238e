"""Sending text through the API with the real SQLite quota ledger, and the quota endpoint."""

from __future__ import annotations

import asyncio

import pytest

from lila_desktop.services.api.validation import MAX_TEXT
from tests.unit.services.api_support import (
    OTHER,
    PHONE,
    QUOTA_LIMIT,
    Api,
    api,
    assert_error,
)

__all__ = ["api"]
pytestmark = pytest.mark.asyncio

SEND = f"/api/messages/{PHONE}/text"


def _sent(api: Api) -> int:
    """Messages the ledger counted (the transport's log lives in the engine process)."""
    return api.ledger._status().used  # the blocking read; fine in a test


async def test_send_text_counts_one_unit_with_lila_app_shape(api: Api) -> None:
    await api.linked()
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"})
    assert status == 200, data
    assert data["success"] is True and data["message"] == "Message sent successfully"
    assert data["messageId"] == data["data"]["messageId"] and data["messageId"].startswith("3EB0")
    assert isinstance(data["timestamp"], float)
    body = data["data"]
    assert (body["from"], body["to"]) == (PHONE, OTHER)
    assert body["quota"]["used"] == 1 and body["quota"]["remaining"] == QUOTA_LIMIT - 1
    assert body["id"].startswith("msg_") and body["idempotencyKey"] is None
    assert body["status"] in ("sent", "delivered")


async def test_lila_app_message_field_and_jids_are_accepted(api: Api) -> None:
    await api.linked()
    for to, expected in [
        (f"{OTHER}@s.whatsapp.net", f"{OTHER}@s.whatsapp.net"),
        (f"{OTHER}@c.us", f"{OTHER}@s.whatsapp.net"),
        ("120363012345678901@g.us", "120363012345678901@g.us"),
    ]:
        status, data = await api.call("POST", SEND, json={"to": to, "message": "Hola"})
        assert status == 200, data
        assert data["data"]["to"] == expected


async def test_over_quota_is_429_with_the_quota_and_nothing_is_sent(api: Api) -> None:
    await api.linked()
    for i in range(QUOTA_LIMIT):
        status, _ = await api.call("POST", SEND, json={"to": OTHER, "text": f"n{i}"})
        assert status == 200
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "one too many"})
    assert_error(status, data, 429, "WHATSAPP_QUOTA_EXCEEDED")
    quota = data["error"]["quota"]
    assert (quota["current"], quota["limit"], quota["remaining"]) == (3, 3, 0)
    assert _sent(api) == QUOTA_LIMIT


async def test_parallel_sends_never_overshoot_the_quota(api: Api) -> None:
    await api.linked()
    results = await asyncio.gather(
        *(api.call("POST", SEND, json={"to": OTHER, "text": f"p{i}"}) for i in range(8))
    )
    codes = sorted(status for status, _ in results)
    assert codes == [200] * QUOTA_LIMIT + [429] * (8 - QUOTA_LIMIT)
    assert _sent(api) == QUOTA_LIMIT


async def test_a_number_that_needs_its_owner_is_409_and_no_quota_is_used(api: Api) -> None:
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"})
    assert_error(status, data, 409, "SESSION_NEEDS_OWNER")
    assert "qr" in data["error"]["message"]
    assert _sent(api) == 0 and api.ledger._status().reserved == 0


async def test_idempotency_key_replays_the_first_answer(api: Api) -> None:
    await api.linked()
    headers = {"Idempotency-Key": "order-1234"}
    first = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"}, headers=headers)
    again = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"}, headers=headers)
    assert first[0] == again[0] == 200
    # The retry gets the first message back, not a second message.
    assert first[1]["data"]["id"] == again[1]["data"]["id"]
    assert first[1]["messageId"] == again[1]["messageId"]
    assert _sent(api) == 1
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "Otro"}, headers=headers)
    assert_error(status, data, 422, "IDEMPOTENCY_KEY_REUSED")
    assert _sent(api) == 1


async def test_idempotency_key_after_a_failure_may_try_again(api: Api) -> None:
    await api.call("POST", "/api/sessions", json={"phoneNumber": PHONE})
    headers = {"Idempotency-Key": "order-77"}
    status, _ = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"}, headers=headers)
    assert status == 409
    await api.call("POST", f"/api/sessions/{PHONE}/simulate", json={"event": "scan"})
    status, _ = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"}, headers=headers)
    assert status == 200
    assert _sent(api) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "VALIDATION_ERROR"),
        ({"to": OTHER}, "VALIDATION_ERROR"),
        ({"to": OTHER, "text": ""}, "VALIDATION_ERROR"),
        ({"to": OTHER, "text": "   "}, "VALIDATION_ERROR"),
        ({"to": OTHER, "text": 5}, "VALIDATION_ERROR"),
        ({"to": OTHER, "text": ["a"]}, "VALIDATION_ERROR"),
        ({"to": OTHER, "text": "x" * (MAX_TEXT + 1)}, "VALIDATION_ERROR"),
        ({"to": 51987654321, "text": "Hola"}, "INVALID_RECIPIENT"),
        ({"to": "hola", "text": "Hola"}, "INVALID_RECIPIENT"),
        ({"to": "51987654321@evil.example", "text": "Hola"}, "INVALID_RECIPIENT"),
        ({"to": "../../x@g.us", "text": "Hola"}, "INVALID_RECIPIENT"),
        ({"text": "Hola"}, "VALIDATION_ERROR"),
    ],
)
async def test_bad_send_input_is_400_and_uses_no_quota(
    api: Api, body: dict[str, object], code: str
) -> None:
    await api.linked()
    status, data = await api.call("POST", SEND, json=body)
    assert_error(status, data, 400, code)
    assert _sent(api) == 0 and api.ledger._status().reserved == 0


@pytest.mark.parametrize("key", ["", "has space", "x" * 201, "ñandú"])
async def test_bad_idempotency_keys_are_400(api: Api, key: str) -> None:
    await api.linked()
    status, data = await api.call(
        "POST", SEND, json={"to": OTHER, "text": "Hola"}, headers={"Idempotency-Key": key}
    )
    assert_error(status, data, 400, "INVALID_IDEMPOTENCY_KEY")


async def test_send_from_an_unknown_or_bad_number(api: Api) -> None:
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"})
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    status, data = await api.call("POST", "/api/messages/abc/text", json={"to": OTHER, "text": "x"})
    assert_error(status, data, 400, "INVALID_PHONE_NUMBER")


async def test_quota_endpoint(api: Api) -> None:
    status, data = await api.call("GET", f"/api/quota?phone={PHONE}")
    assert_error(status, data, 404, "SESSION_NOT_FOUND")
    await api.linked()
    await api.call("POST", SEND, json={"to": OTHER, "text": "Hola"})
    status, data = await api.call("GET", f"/api/quota?phone={PHONE}")
    assert status == 200, data
    quota = data["data"]
    assert quota["phoneNumber"] == PHONE and quota["source"] == "local"
    assert (quota["limit"], quota["used"], quota["remaining"]) == (QUOTA_LIMIT, 1, QUOTA_LIMIT - 1)
    assert len(quota["period"]) == 7
    status, data = await api.call("GET", "/api/quota")
    assert_error(status, data, 400, "VALIDATION_ERROR")
    status, data = await api.call("GET", "/api/quota?phone=12")
    assert_error(status, data, 400, "INVALID_PHONE_NUMBER")
