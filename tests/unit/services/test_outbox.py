"""The durable outbox through the API, over a real pool (simulated WhatsApp in the
engine process), the real SQLite ledger and the real outbox database: outages,
idempotency under concurrency, expiry, cancel, blocked numbers, receipts, and
a crash caught mid-send."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from lila_desktop.core.outbox import MAX_TTL, MessageStatus
from lila_desktop.services.outbox.wiring import OUTBOX_FILE
from tests.unit.services.api_support import OTHER, PHONE, QUOTA_LIMIT, Api, api, assert_error
from tests.unit.services.outbox_support import read_sent, sent_log

__all__ = ["api", "sent_log"]
pytestmark = pytest.mark.asyncio

SEND = f"/api/messages/{PHONE}/text"
OUT = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


def quota(api: Api) -> tuple[int, int]:
    status = api.ledger._status()  # the blocking read; fine in a test
    return status.used, status.reserved


async def outage(api: Api) -> None:
    await api.pool.simulate(None, "network_down", {})
    await api.harness.wait(PHONE, lambda s: not s.is_connected)


async def test_messages_accepted_in_an_outage_go_out_after_it_in_order_once(
    sent_log: Path, api: Api
) -> None:
    await api.linked()
    await outage(api)
    ids = []
    for i in range(QUOTA_LIMIT):
        status, data = await api.call(
            "POST", SEND, json={"to": OTHER, "text": f"m{i}"}, headers={"Idempotency-Key": f"k{i}"}
        )
        assert status == 202, data
        assert data["data"]["status"] == "queued" and data["success"] is True
        ids.append(data["data"]["id"])
    assert quota(api) == (0, QUOTA_LIMIT), "reserved on accept"
    status, data = await api.call("GET", f"/api/outbox?phone={PHONE}")
    assert status == 200 and data["data"]["numbers"][0]["counts"]["queued"] == QUOTA_LIMIT
    await api.pool.simulate(None, "network_up", {})
    for msg_id in ids:
        msg = await api.outbox.wait_settled(msg_id, 20)
        assert msg.status in OUT, msg
    # A caller that retries every request after the outage sends nothing again.
    for i in range(QUOTA_LIMIT):
        status, data = await api.call(
            "POST", SEND, json={"to": OTHER, "text": f"m{i}"}, headers={"Idempotency-Key": f"k{i}"}
        )
        assert status == 200 and data["data"]["id"] == ids[i]
    assert [m["text"] for m in read_sent(sent_log)] == [f"m{i}" for i in range(QUOTA_LIMIT)]
    assert quota(api) == (QUOTA_LIMIT, 0)


async def test_one_key_sent_100_times_at_once_is_one_message(sent_log: Path, api: Api) -> None:
    await api.linked()
    body = {"to": OTHER, "text": "Su pedido está listo", "clientMessageId": "order-42"}
    results = await asyncio.gather(*(api.call("POST", SEND, json=body) for _ in range(100)))
    assert {status for status, _ in results} <= {200, 202}
    assert len({data["data"]["id"] for _, data in results}) == 1
    msg = await api.outbox.wait_settled(results[0][1]["data"]["id"], 10)
    assert msg.status in OUT
    assert len(read_sent(sent_log)) == 1
    assert quota(api) == (1, 0)
    # The same key with another text is another message: refused, not sent.
    status, data = await api.call("POST", SEND, json={**body, "text": "otro"})
    assert_error(status, data, 422, "IDEMPOTENCY_KEY_REUSED")


async def test_expiry_gives_the_unit_back_and_never_sends(sent_log: Path, api: Api) -> None:
    await api.linked()
    await outage(api)
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "x", "ttlSeconds": 1})
    assert status == 202
    msg = await api.outbox.wait_settled(data["data"]["id"], 10)
    assert msg.status is MessageStatus.EXPIRED and msg.reason
    assert quota(api) == (0, 0)
    await api.pool.simulate(None, "network_up", {})
    await api.harness.wait_status(PHONE, "connected")
    status, data = await api.call("GET", f"/api/messages/{msg.id}")
    assert status == 200 and data["data"]["status"] == "expired"
    assert read_sent(sent_log) == []
    # The owner (or the caller) sends it again: a new message, now connected.
    status, data = await api.call("POST", f"/api/messages/{msg.id}/retry")
    assert status == 202 and data["data"]["id"] != msg.id
    assert (await api.outbox.wait_settled(data["data"]["id"], 10)).status in OUT
    assert [m["text"] for m in read_sent(sent_log)] == ["x"] and quota(api) == (1, 0)


async def test_cancel_a_queued_message(sent_log: Path, api: Api) -> None:
    await api.linked()
    await outage(api)
    _, first = await api.call("POST", SEND, json={"to": OTHER, "text": "uno"})
    _, second = await api.call("POST", SEND, json={"to": OTHER, "text": "dos"})
    msg_id = first["data"]["id"]
    status, data = await api.call("DELETE", f"/api/messages/{msg_id}")
    assert status == 200 and data["data"]["status"] == "cancelled"
    assert quota(api) == (0, 1), "the cancelled one's unit is back"
    status, data = await api.call("DELETE", f"/api/messages/{msg_id}")
    assert_error(status, data, 409, "MESSAGE_NOT_CANCELLABLE")
    await api.pool.simulate(None, "network_up", {})
    assert (await api.outbox.wait_settled(second["data"]["id"], 20)).status in OUT
    assert [m["text"] for m in read_sent(sent_log)] == ["dos"]
    status, data = await api.call("DELETE", f"/api/messages/{second['data']['id']}")
    assert_error(status, data, 409, "MESSAGE_NOT_CANCELLABLE")
    status, data = await api.call("GET", f"/api/messages?phone={PHONE}&status=cancelled")
    assert status == 200 and [m["id"] for m in data["data"]["messages"]] == [msg_id]


async def test_a_number_needing_its_owner_blocks_its_queue_and_refuses_more(
    sent_log: Path, api: Api
) -> None:
    await api.linked()
    await outage(api)
    await api.call("POST", SEND, json={"to": OTHER, "text": "espera"})
    # WhatsApp bans the number for a while: the reconnect meets the ban.
    await api.pool.simulate(PHONE, "temp_ban", {"seconds": 3600})
    await api.pool.simulate(None, "network_up", {})
    await api.harness.wait_status(PHONE, "temp_banned")
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "más"})
    assert_error(status, data, 409, "SESSION_NEEDS_OWNER")
    assert "temp_banned" in data["error"]["message"]
    status, data = await api.call("GET", f"/api/outbox?phone={PHONE}")
    number = data["data"]["numbers"][0]
    assert number["blocked"] and number["counts"]["queued"] == 1
    assert number["nextSendAt"] is None
    assert read_sent(sent_log) == []


async def test_receipts_move_a_message_to_delivered_then_read(sent_log: Path, api: Api) -> None:
    await api.linked()
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "¿Llegó?"})
    assert status == 200
    msg_id, wa_id = data["data"]["id"], data["messageId"]
    await _wait_status(api, msg_id, MessageStatus.DELIVERED)
    await api.pool.simulate(PHONE, "receipt", {"ids": [wa_id], "kind": "read"})
    msg = await _wait_status(api, msg_id, MessageStatus.READ)
    assert msg.read_at is not None and msg.delivered_at is not None
    # A late "delivered" never moves a read message back.
    await api.pool.simulate(PHONE, "receipt", {"ids": [wa_id], "kind": "delivered"})
    status, data = await api.call("GET", f"/api/messages/{msg_id}")
    assert data["data"]["status"] == "read"


async def _wait_status(api: Api, msg_id: str, status: MessageStatus) -> object:
    changed = asyncio.Event()
    unsubscribe = api.outbox.subscribe(lambda m: changed.set() if m.id == msg_id else None)
    try:
        async with asyncio.timeout(10):
            while (msg := await api.outbox.get(msg_id)).status is not status:
                await changed.wait()
                changed.clear()
        return msg
    finally:
        unsubscribe()


async def test_bad_input_gets_a_clear_4xx(api: Api) -> None:
    await api.linked()
    for ttl in (0, MAX_TTL + 1, "60", 1.5, True):
        status, data = await api.call(
            "POST", SEND, json={"to": OTHER, "text": "x", "ttlSeconds": ttl}
        )
        assert_error(status, data, 400, "INVALID_TTL")
    status, data = await api.call(
        "POST", SEND, json={"to": OTHER, "text": "x", "clientMessageId": "a b"}
    )
    assert_error(status, data, 400, "INVALID_IDEMPOTENCY_KEY")
    status, data = await api.call(
        "POST",
        SEND,
        json={"to": OTHER, "text": "x", "clientMessageId": "a"},
        headers={"Idempotency-Key": "b"},
    )
    assert_error(status, data, 400, "INVALID_IDEMPOTENCY_KEY")
    for bad in ("msg_0000", "nope", "msg_../../etc"):
        status, data = await api.call("GET", f"/api/messages/{bad}")
        assert_error(status, data, 404, "MESSAGE_NOT_FOUND")
        status, data = await api.call("DELETE", f"/api/messages/{bad}")
        assert_error(status, data, 404, "MESSAGE_NOT_FOUND")
    for query in ("status=lost", "limit=0", "limit=x", "before=-1", "phone=abc"):
        status, data = await api.call("GET", f"/api/messages?{query}")
        assert status == 400, (query, data)
    assert quota(api) == (0, 0)


async def test_a_crash_mid_send_is_unknown_never_resent_and_counted(
    sent_log: Path, api: Api
) -> None:
    """What a kill -9 leaves (the campaign in test_outbox_crash does it for real)."""
    await api.linked()
    await outage(api)
    _, data = await api.call("POST", SEND, json={"to": OTHER, "text": "quizá"})
    msg_id = data["data"]["id"]

    def died_mid_send() -> None:  # as if the app died right after committing `sending`
        with sqlite3.connect(api.harness.data_dir / OUTBOX_FILE) as db:
            db.execute("UPDATE messages SET status = 'sending' WHERE id = ?", (msg_id,))

    await api.restart_outbox(died_mid_send)
    await api.pool.simulate(None, "network_up", {})
    await api.harness.wait_status(PHONE, "connected")
    msg = await api.outbox.get(msg_id)
    assert msg.status is MessageStatus.UNKNOWN and "not sent again" in (msg.reason or "")
    assert quota(api) == (1, 0), "it may have gone out: its unit counts"
    _, later = await api.call("POST", SEND, json={"to": OTHER, "text": "después"})
    assert (await api.outbox.wait_settled(later["data"]["id"], 10)).status in OUT
    assert [m["text"] for m in read_sent(sent_log)] == ["después"]


async def test_refused_fails_with_the_reason_and_retry_queues_a_new_message(
    sent_log: Path, api: Api
) -> None:
    await api.linked()
    await api.pool.simulate(PHONE, "refuse", {"to": OTHER})
    status, data = await api.call("POST", SEND, json={"to": OTHER, "text": "¿Existe?"})
    assert_error(status, data, 502, "MESSAGE_FAILED")
    failed = data["error"]["data"]
    assert failed["status"] == "failed" and "not on WhatsApp" in failed["reason"]
    assert quota(api) == (0, 0), "nothing went out: the unit is back"
    status, data = await api.call("DELETE", f"/api/messages/{failed['id']}")
    assert_error(status, data, 409, "MESSAGE_NOT_CANCELLABLE")
    status, data = await api.call("POST", f"/api/messages/{failed['id']}/retry")
    assert status == 202 and data["data"]["id"] != failed["id"]
    retried = await api.outbox.wait_settled(data["data"]["id"], 10)
    assert retried.status is MessageStatus.FAILED, "still refused: failed again, not lost"
    assert read_sent(sent_log) == [] and quota(api) == (0, 0)
