"""The outbox's pure rules: ttl bounds, ids, receipts only move forward, which
numbers accept messages, and how a send's outcome is read (hazard 17)."""

from __future__ import annotations

import pytest

from lila_desktop.core.outbox import (
    DEFAULT_TTL,
    MAX_TTL,
    MessageStatus,
    accepts_messages,
    check_ttl,
    fingerprint,
    message_id_for,
    receipt_advances,
)
from lila_desktop.core.status import Status
from lila_desktop.services.engine.client import EngineError, EngineUnavailable
from lila_desktop.services.outbox.outcome import classify
from lila_desktop.services.pool import PoolError
from lila_desktop.services.transports.base import SendResult

S = MessageStatus


def test_ttl_bounds() -> None:
    assert check_ttl(None) == DEFAULT_TTL == 3600
    assert check_ttl(1) == 1 and check_ttl(MAX_TTL) == MAX_TTL
    for bad in (0, -5, MAX_TTL + 1, 1.5, "60", True, [60]):
        with pytest.raises(ValueError, match="ttlSeconds must be a whole number"):
            check_ttl(bad)


def test_ids_name_the_same_message_for_the_same_key_and_number() -> None:
    a = message_id_for("51902049935", "order-1", "x")
    assert a == message_id_for("51902049935", "order-1", "y"), "the key decides, not chance"
    assert a != message_id_for("51900000001", "order-1", "x"), "keys are per number"
    assert message_id_for("51902049935", None, "abc") == "msg_abc"
    assert a.startswith("msg_") and a[4:].isalnum()
    assert fingerprint("1", "2", "3") != fingerprint("1", "2", "4")


def test_receipts_only_move_forward() -> None:
    assert receipt_advances(S.SENT, S.DELIVERED) and receipt_advances(S.SENT, S.READ)
    assert receipt_advances(S.DELIVERED, S.READ)
    assert not receipt_advances(S.READ, S.DELIVERED)
    assert not receipt_advances(S.DELIVERED, S.DELIVERED)
    assert receipt_advances(S.UNKNOWN, S.DELIVERED), "a receipt proves it arrived"
    for never in (S.QUEUED, S.SENDING, S.FAILED, S.EXPIRED, S.CANCELLED):
        assert not receipt_advances(never, S.READ)
    assert not receipt_advances(S.SENT, S.SENT)


def test_which_numbers_accept_messages() -> None:
    ok = {s for s in Status if accepts_messages(s)}
    assert ok == {Status.CONNECTED, Status.CONNECTING, Status.RECONNECTING}
    assert all(s.went_out for s in (S.SENT, S.DELIVERED, S.READ, S.UNKNOWN))
    assert not any(s.went_out for s in (S.QUEUED, S.SENDING, S.FAILED, S.EXPIRED, S.CANCELLED))


@pytest.mark.parametrize(
    ("result", "kind"),
    [
        (SendResult("3EB0AA", 1.0), "sent"),
        (PoolError("not connected", "SESSION_NOT_CONNECTED", 503), "requeue"),
        (PoolError("this number is not connected", "NOT_CONNECTED", 503), "requeue"),
        (PoolError("this number is not running", "NOT_RUNNING", 503), "requeue"),
        (PoolError("the engine did not answer 'send_text' in 30 s", "TIMEOUT", 409), "unknown"),
        (EngineUnavailable(), "unknown"),  # the engine died with the request in flight
        # The engine's own send bound ran out while Go still sends (hazard 17).
        (PoolError("it may still be delivered", "SEND_UNKNOWN", 504), "unknown"),
        (EngineError("send_text timed out", "TIMEOUT"), "unknown"),
        (PoolError("WhatsApp did not accept the message: 479", "SEND_FAILED", 409), "failed"),
        (
            PoolError("WhatsApp did not accept: context deadline exceeded", "SEND_FAILED", 409),
            "unknown",
        ),
        (RuntimeError("a bug"), "unknown"),  # unknown failure: never risk a duplicate
    ],
)
def test_send_outcomes(result: object, kind: str) -> None:
    outcome = classify(result)  # type: ignore[arg-type]
    assert outcome.kind == kind
    assert (outcome.reason is None) == (kind == "sent")


def test_a_refusal_is_explained_once() -> None:
    """The transports already say "WhatsApp did not accept the message: …"."""
    said = "WhatsApp did not accept the message: 51900000000 is not on WhatsApp"
    assert classify(PoolError(said, "SEND_FAILED", 409)).reason == said
    assert classify(PoolError("479", "SEND_FAILED", 409)).reason == (
        "WhatsApp did not accept the message: 479"
    )
