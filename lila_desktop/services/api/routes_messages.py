"""Messages through the durable outbox, and the quota (PRODUCT.md §3, §5; issue 16).

`POST /api/messages/{phone}/text` queues the message (quota unit reserved:
429 when used up; 409 when the number needs its owner) and waits a moment:
200 with the message when it went out meanwhile, 202 with `status: "queued"`
otherwise. The same `Idempotency-Key` header (or `clientMessageId` field)
always names the same message and never sends it twice. Then
`GET /api/messages/{id}`, `GET /api/messages?phone=&status=` (paged, newest
first), `DELETE /api/messages/{id}` (cancel a queued one) and
`POST /api/messages/{id}/retry` (a failed or expired one, as a new message).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from lila_desktop.core.outbox import MessageStatus, check_ttl
from lila_desktop.core.quota import validate_key
from lila_desktop.services.api import views
from lila_desktop.services.api.context import ApiContext, context
from lila_desktop.services.api.errors import ApiError, bad_request, ok
from lila_desktop.services.api.validation import (
    IDEMPOTENCY_HEADER,
    idempotency_key,
    json_body,
    message_text,
    phone_param,
    phone_value,
    recipient,
)
from lila_desktop.services.outbox import Outbox, OutboxMessage

logger = logging.getLogger(__name__)

routes = web.RouteTableDef()

MAX_PAGE = 200
_WENT_OUT = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


def outbox_of(ctx: ApiContext) -> Outbox:
    if ctx.outbox is None:
        raise ApiError(
            503, "OUTBOX_UNAVAILABLE", "Messages cannot be queued yet; try again in a moment."
        )
    return ctx.outbox


@routes.post("/api/messages/{phone}/text")
async def send_text(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    body = await json_body(request)
    if body.get("to") is None:
        raise bad_request("'to' is required: the number to write to, e.g. 51987654321.")
    to = recipient(body["to"])
    text = message_text(body)
    key = _key(request, body)
    try:
        ttl = check_ttl(body.get("ttlSeconds"))
    except ValueError as exc:
        raise bad_request(str(exc), "INVALID_TTL") from None
    outbox = outbox_of(ctx)
    msg, replayed = await outbox.accept(phone, to, text, key=key, ttl=ttl)
    if not replayed and ctx.pool.snapshot(msg.phone).is_connected:
        msg = await outbox.wait_settled(msg.id, ctx.send_wait)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    response = await _answer(ctx, msg)
    response.headers.update(headers)
    return response


def _key(request: web.Request, body: dict[str, Any]) -> str | None:
    header = idempotency_key(request)
    raw = body.get("clientMessageId")
    if raw is None:
        return header
    try:
        field = validate_key(raw)
    except ValueError as exc:
        raise bad_request(f"'clientMessageId': {exc}", "INVALID_IDEMPOTENCY_KEY") from None
    if header is not None and header != field:
        raise bad_request(
            f"The {IDEMPOTENCY_HEADER} header and 'clientMessageId' differ; send one of them, "
            "or the same value in both.",
            "INVALID_IDEMPOTENCY_KEY",
        )
    return field


async def _answer(ctx: ApiContext, msg: OutboxMessage) -> web.Response:
    data = msg.as_dict()
    if msg.status in _WENT_OUT:
        quota = None
        try:
            quota = views.quota(await ctx.ledger.status(msg.phone))
        except Exception as exc:  # the message is out; the quota line can wait
            logger.warning("%s: quota not readable after a send: %s", msg.phone, exc)
        data |= {
            "messageId": msg.wa_id,
            "timestamp": msg.sent_at,
            "from": msg.phone,
            "quota": quota,
        }
        return ok(
            data,
            message="Message sent successfully",
            messageId=msg.wa_id,
            timestamp=msg.sent_at,
        )
    if msg.status is MessageStatus.FAILED:
        raise ApiError(
            502, "MESSAGE_FAILED", msg.reason or "WhatsApp refused it.", extra={"data": data}
        )
    if msg.status in (MessageStatus.CANCELLED, MessageStatus.EXPIRED):
        raise ApiError(
            409,
            f"MESSAGE_{msg.status.value.upper()}",
            f"This message was {msg.status.value} and will not be sent; send a new one "
            "with a new key.",
            extra={"data": data},
        )
    return ok(data, status=202, message=_pending_words(ctx, msg))


def _pending_words(ctx: ApiContext, msg: OutboxMessage) -> str:
    if msg.status is MessageStatus.UNKNOWN:
        return msg.reason or "The send timed out; it may have arrived."
    return "Message queued: it goes out when the number is connected."


def _only_query(request: web.Request, *allowed: str) -> None:
    """A misspelt filter must not silently list everything."""
    unknown = sorted(set(request.query) - set(allowed))
    if unknown:
        raise bad_request(
            f"Unknown query parameter {unknown[0][:40]!r}; this endpoint takes "
            f"{', '.join(allowed)}."
        )


@routes.get("/api/messages", allow_head=False)
async def list_messages(request: web.Request) -> web.Response:
    ctx = context(request)
    query = request.query
    _only_query(request, "phone", "status", "limit", "before")
    phone = phone_value(query["phone"], "the query parameter 'phone'") if "phone" in query else None
    status = None
    if "status" in query:
        try:
            status = MessageStatus(query["status"])
        except ValueError:
            allowed = ", ".join(s.value for s in MessageStatus)
            raise bad_request(f"'status' must be one of {allowed}.") from None
    limit = _int_query(request, "limit", 50, 1, MAX_PAGE)
    before = _int_query(request, "before", None, 1, 2**62)
    page = await outbox_of(ctx).page(phone=phone, status=status, limit=limit, before=before)
    cursor = page[-1].seq if len(page) == limit else None
    return ok({"messages": [m.as_dict() for m in page], "count": len(page), "nextCursor": cursor})


def _int_query(request: web.Request, name: str, default: int | None, low: int, high: int) -> Any:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_request(f"'{name}' must be a whole number from {low} to {high}.")
    return int(raw)


def _msg_id(request: web.Request) -> str:
    raw = request.match_info["id"]
    if not raw.startswith("msg_") or len(raw) > 80 or not raw[4:].isalnum():
        raise ApiError(
            404, "MESSAGE_NOT_FOUND", f"{raw[:80]!r} is not a message id (they look like msg_…)."
        )
    return raw


@routes.get("/api/messages/{id}", allow_head=False)
async def get_message(request: web.Request) -> web.Response:
    return ok((await outbox_of(context(request)).get(_msg_id(request))).as_dict())


@routes.delete("/api/messages/{id}")
async def cancel_message(request: web.Request) -> web.Response:
    msg = await outbox_of(context(request)).cancel(_msg_id(request))
    return ok(msg.as_dict(), message="Message cancelled; its quota unit was given back.")


@routes.post("/api/messages/{id}/retry")
async def retry_message(request: web.Request) -> web.Response:
    msg = await outbox_of(context(request)).retry(_msg_id(request))
    return ok(msg.as_dict(), status=202, message="Queued again as a new message.")


@routes.get("/api/outbox", allow_head=False)
async def outbox_summary(request: web.Request) -> web.Response:
    """Per number: counts by state, next send time, expected drain time, blocked reason."""
    ctx = context(request)
    _only_query(request, "phone")
    outbox = outbox_of(ctx)
    phones = [s.phone for s in ctx.pool.snapshots()]
    if "phone" in request.query:
        phones = [phone_value(request.query["phone"], "the query parameter 'phone'")]
        ctx.pool.snapshot(phones[0])  # 404 for a number this app does not run
    out = []
    for phone in phones:
        s = await outbox.summarize(phone)
        out.append(
            {
                "phoneNumber": phone,
                "counts": s.counts,
                "nextSendAt": views.iso(s.next_send_at),
                "drainSeconds": round(s.drain_seconds, 1),
                "blocked": s.blocked,
            }
        )
    pacing = {"intervalSeconds": outbox.pacing.interval, "jitterShare": outbox.pacing.jitter_share}
    return ok({"numbers": out, "pacing": pacing})


@routes.get("/api/quota", allow_head=False)
async def quota(request: web.Request) -> web.Response:
    raw = request.query.get("phone")
    if raw is None:
        raise bad_request("Query parameter 'phone' is required: the sending number.")
    phone = phone_value(raw, "the query parameter 'phone'")
    ctx = context(request)
    ctx.pool.snapshot(phone)  # a quota is asked for a session this app runs
    return ok({"phoneNumber": phone, **views.quota(await ctx.ledger.status(phone))})
