"""Sending text and reading the quota (PRODUCT.md §3, §5).

The send itself is `services.messaging.send_text`, the window's send path
too: the session is connected (else 503) → reserve one unit of quota (429
`WHATSAPP_QUOTA_EXCEEDED` when used up) → send → commit the unit, or release
it when the send failed. Here: the request's checks with field names in the
messages, and the `Idempotency-Key` header (a fresh key per request without
one), whose first answer a retry gets back.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from lila_desktop.services import messaging
from lila_desktop.services.api import views
from lila_desktop.services.api.context import ApiContext, context
from lila_desktop.services.api.errors import ApiError, bad_request, ok
from lila_desktop.services.api.sends import fingerprint
from lila_desktop.services.api.validation import (
    idempotency_key,
    json_body,
    message_text,
    phone_param,
    phone_value,
    recipient,
)

logger = logging.getLogger(__name__)

routes = web.RouteTableDef()


@routes.post("/api/messages/{phone}/text")
async def send_text(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    body = await json_body(request)
    if body.get("to") is None:
        raise bad_request("'to' is required: the number to write to, e.g. 51987654321.")
    to = recipient(body["to"])
    text = message_text(body)
    client_key = idempotency_key(request)
    key = client_key or messaging.new_key("api")
    ctx.pool.snapshot(phone)  # 404 before anything is reserved
    replay = ctx.sends.begin(key, fingerprint(phone, to, text)) if client_key else None
    if replay is not None:
        return web.json_response(replay, headers={"Idempotent-Replayed": "true"})
    try:
        answer = await _send(ctx, phone, to, text, key)
    except BaseException:
        if client_key:
            ctx.sends.abort(key)
        raise
    if client_key:
        ctx.sends.finish(key, answer)
    return web.json_response(answer)


async def _send(ctx: ApiContext, phone: str, to: str, text: str, key: str) -> dict[str, Any]:
    try:
        sent = await messaging.send_text(ctx.pool, ctx.ledger, phone, to, text, key=key)
    except messaging.MessageRefused as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    data = {
        "messageId": sent.message_id,
        "timestamp": sent.timestamp,
        "sentAt": views.iso(sent.timestamp),
        "from": sent.sender,
        "to": sent.to,
        "idempotencyKey": sent.key,
        "quota": None if sent.quota is None else views.quota(sent.quota),
    }
    return {
        "success": True,
        "message": "Message sent successfully",
        "messageId": sent.message_id,
        "timestamp": sent.timestamp,
        "data": data,
    }


@routes.get("/api/quota", allow_head=False)
async def quota(request: web.Request) -> web.Response:
    raw = request.query.get("phone")
    if raw is None:
        raise bad_request("Query parameter 'phone' is required: the sending number.")
    phone = phone_value(raw, "the query parameter 'phone'")
    ctx = context(request)
    ctx.pool.snapshot(phone)  # a quota is asked for a session this app runs
    return ok({"phoneNumber": phone, **views.quota(await ctx.ledger.status(phone))})
