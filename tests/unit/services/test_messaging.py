"""The one send path (services.messaging) over a real pool on the simulated
transport and the real SQLite quota ledger: checks, reserve → send →
commit/release, over quota, not connected, a send failing or cancelled in flight."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from lila_desktop.core.phone import InvalidPhoneNumber
from lila_desktop.core.quota import QuotaExceeded, QuotaStatus
from lila_desktop.services import messaging
from lila_desktop.services.messaging import (
    MAX_TEXT,
    InvalidRecipient,
    InvalidText,
    NotConnected,
    check_recipient,
    check_text,
    send_text,
)
from lila_desktop.services.pool import PoolError, SessionNotFound, SessionPool
from lila_desktop.services.quota import SqliteLedger
from tests.conftest import PoolHarness

PHONE = "51902049935"
OTHER = "51987654321"
LIMIT = 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (OTHER, OTHER),
        ("+51 987-654-321", OTHER),
        (f"{OTHER}@s.whatsapp.net", f"{OTHER}@s.whatsapp.net"),
        (f" {OTHER}@c.us ", f"{OTHER}@s.whatsapp.net"),
        ("120363012345678901@g.us", "120363012345678901@g.us"),
        ("51987654321-1700000000@g.us", "51987654321-1700000000@g.us"),
    ],
)
def test_recipients_people_type_are_normalised(raw: str, expected: str) -> None:
    assert check_recipient(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "country code"),
        ("hola", "only contain digits"),
        ("0987654321", "not 0"),
        ("1234", "8 to 15 digits"),
        (51987654321, "must be text"),
        (None, "must be text"),
        ("51987654321@evil.example", "WhatsApp id such as"),
        ("../../x@g.us", "WhatsApp id such as"),
    ],
)
def test_bad_recipients_say_what_a_recipient_looks_like(raw: object, words: str) -> None:
    with pytest.raises(InvalidRecipient, match=words) as info:
        check_recipient(raw)
    assert (info.value.code, info.value.status) == ("INVALID_RECIPIENT", 400)


def test_text_limits() -> None:
    assert check_text("Hola") == "Hola"
    assert check_text(" x ") == " x ", "the text is sent as typed"
    assert check_text("é" * MAX_TEXT) == "é" * MAX_TEXT
    for raw, words in [
        ("", "empty"),
        (" \n\t", "empty"),
        ("x" * (MAX_TEXT + 1), f"too long \\({MAX_TEXT + 1} characters; at most {MAX_TEXT}\\)"),
        (5, "must be text"),
    ]:
        with pytest.raises(InvalidText, match=words) as info:
            check_text(raw)
        assert (info.value.code, info.value.status) == ("VALIDATION_ERROR", 400)
    assert MAX_TEXT <= 65_536, "never more than WhatsApp itself takes"


# --- sending over the real pool ----------------------------------------------


@pytest_asyncio.fixture
async def ledger(tmp_path: Path) -> AsyncIterator[SqliteLedger]:
    led = SqliteLedger(tmp_path / "quota.sqlite3", limit=LIMIT)
    yield led
    await led.aclose()


def counts(ledger: SqliteLedger) -> tuple[int, int]:
    status = ledger._status()  # the blocking read; fine in a test
    return status.used, status.reserved


@pytest.mark.asyncio
async def test_a_send_counts_one_unit_and_reports_the_quota(
    harness: PoolHarness, ledger: SqliteLedger
) -> None:
    await harness.link(PHONE)
    sent = await send_text(harness.pool, ledger, "+51 902 049 935", f"{OTHER}@c.us", "Hola")
    assert sent.message_id.startswith("3EB0") and sent.timestamp > 0
    assert (sent.sender, sent.to) == (PHONE, f"{OTHER}@s.whatsapp.net")
    assert sent.key.startswith("msg-")
    assert sent.quota is not None
    assert (sent.quota.used, sent.quota.reserved, sent.quota.remaining) == (1, 0, LIMIT - 1)
    assert counts(ledger) == (1, 0)


@pytest.mark.asyncio
async def test_over_quota_is_refused_with_the_numbers_and_nothing_is_sent(
    harness: PoolHarness, ledger: SqliteLedger
) -> None:
    await harness.link(PHONE)
    for i in range(LIMIT):
        await send_text(harness.pool, ledger, PHONE, OTHER, f"n{i}")
    with pytest.raises(QuotaExceeded) as info:
        await send_text(harness.pool, ledger, PHONE, OTHER, "one too many")
    assert info.value.code == "WHATSAPP_QUOTA_EXCEEDED"
    assert (info.value.status.used, info.value.status.limit) == (LIMIT, LIMIT)
    assert f"({LIMIT} of {LIMIT} in " in str(info.value)
    assert counts(ledger) == (LIMIT, 0)


@pytest.mark.asyncio
async def test_the_same_key_counts_once(harness: PoolHarness, ledger: SqliteLedger) -> None:
    await harness.link(PHONE)
    first = await send_text(harness.pool, ledger, PHONE, OTHER, "Hola", key="order-1")
    again = await send_text(harness.pool, ledger, PHONE, OTHER, "Hola", key="order-1")
    assert first.key == again.key == "order-1"
    assert counts(ledger) == (1, 0)
    with pytest.raises(ValueError, match="idempotency key"):
        await send_text(harness.pool, ledger, PHONE, OTHER, "Hola", key="has space")


@pytest.mark.asyncio
async def test_not_connected_and_bad_input_reserve_nothing(
    harness: PoolHarness, ledger: SqliteLedger
) -> None:
    await harness.pool.add(PHONE)
    await harness.wait(PHONE, lambda s: s.qr is not None)
    with pytest.raises(
        NotConnected, match=r"not connected \(qr\); wait until it is connected"
    ) as info:
        await send_text(harness.pool, ledger, PHONE, OTHER, "Hola")
    assert (info.value.code, info.value.status, info.value.status_value) == (
        "SESSION_NOT_CONNECTED",
        503,
        "qr",
    )
    await harness.pool.simulate(PHONE, "scan", {})
    await harness.wait(PHONE, lambda s: s.is_connected)
    with pytest.raises(InvalidRecipient):
        await send_text(harness.pool, ledger, PHONE, "hola", "Hola")
    with pytest.raises(InvalidText):
        await send_text(harness.pool, ledger, PHONE, OTHER, "   ")
    with pytest.raises(InvalidPhoneNumber):
        await send_text(harness.pool, ledger, "12", OTHER, "Hola")
    with pytest.raises(SessionNotFound):
        await send_text(harness.pool, ledger, OTHER, PHONE, "Hola")
    assert counts(ledger) == (0, 0)


class DropAfterReserve(SqliteLedger):
    """The real ledger; the connection drops right after the unit is reserved."""

    pool: SessionPool

    async def reserve(self, sender: str, key: str) -> QuotaStatus:
        status = await super().reserve(sender, key)
        await self.pool.simulate(sender, "disconnect", {"code": 503})
        await self.pool.wait_for(sender, lambda s: not s.is_connected, 10)
        return status


@pytest.mark.asyncio
async def test_a_send_failing_in_flight_gives_its_unit_back(
    harness: PoolHarness, tmp_path: Path
) -> None:
    ledger = DropAfterReserve(tmp_path / "quota.sqlite3", limit=LIMIT)
    ledger.pool = harness.pool
    await harness.link(PHONE)
    try:
        with pytest.raises(PoolError) as info:
            await send_text(harness.pool, ledger, PHONE, OTHER, "Hola")
        assert info.value.status == 503
        assert counts(ledger) == (0, 0), "the unit was given back"
    finally:
        await ledger.aclose()


class SlowReserve(SqliteLedger):
    """The real ledger, with a reserve slow enough for its caller to go away meanwhile."""

    async def reserve(self, sender: str, key: str) -> QuotaStatus:
        status = await super().reserve(sender, key)
        await asyncio.sleep(0.3)
        return status


@pytest.mark.asyncio
async def test_a_send_cancelled_while_reserving_gives_its_unit_back(
    harness: PoolHarness, tmp_path: Path
) -> None:
    ledger = SlowReserve(tmp_path / "quota.sqlite3", limit=LIMIT)
    await harness.link(PHONE)
    try:
        task = asyncio.create_task(send_text(harness.pool, ledger, PHONE, OTHER, "Hola"))
        await asyncio.sleep(0.1)
        assert counts(ledger) == (0, 1), "reserved, still under way"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert counts(ledger) == (0, 0), "given back, not left to count when it expires"
    finally:
        await ledger.aclose()


class CommitFails(SqliteLedger):
    async def commit(self, sender: str, key: str) -> QuotaStatus:
        raise RuntimeError("disk went away")


@pytest.mark.asyncio
async def test_a_sent_message_that_cannot_be_counted_yet_is_still_a_success(
    harness: PoolHarness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = CommitFails(tmp_path / "quota.sqlite3", limit=LIMIT)
    await harness.link(PHONE)
    try:
        sent = await send_text(harness.pool, ledger, PHONE, OTHER, "Hola")
        assert sent.quota is None and sent.message_id
        # The reservation stays: it counts by itself when it expires.
        assert counts(ledger) == (0, 1)
        assert "could not be counted yet" in caplog.text
    finally:
        await ledger.aclose()


def test_new_keys_are_valid_and_distinct() -> None:
    keys = {messaging.new_key("ui") for _ in range(100)}
    assert len(keys) == 100 and all(k.startswith("ui-") for k in keys)
