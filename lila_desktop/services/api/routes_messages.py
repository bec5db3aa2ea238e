"""Sending text and reading the quota (PRODUCT.md §3, §5).

A send is: validate → the session is connected (else 503) → reserve one
unit of quota (429 `WHATSAPP_QUOTA_EXCEEDED` when used up) → send → commit
the unit, or release it when the send failed. The idempotency key is the
client's `Idempotency-Key` header, or a fresh one per request.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from aiohttp import web

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
    key = client_key or f"api-{uuid.uuid4().hex}"
    snap = ctx.pool.snapshot(phone)  # 404 before anything is reserved
    replay = ctx.sends.begin(key, fingerprint(phone, to, text)) if client_key else None
    if replay is not None:
        return web.json_response(replay, headers={"Idempotent-Replayed": "true"})
    try:
        answer = await _send(ctx, phone, snap.is_connected, snap.status.value, to, text, key)
    except BaseException:
        if client_key:
            ctx.sends.abort(key)
        raise
    if client_key:
        ctx.sends.finish(key, answer)
    return web.json_response(answer)


async def _send(
    ctx: ApiContext, phone: str, connected: bool, status: str, to: str, text: str, key: str
) -> dict[str, Any]:
    if not connected:
        raise ApiError(
            503,
            "SESSION_NOT_CONNECTED",
            f"{phone} is not connected ({status}); wait until it is connected, then try again.",
        )
    await ctx.ledger.reserve(phone, key)
    try:
        result = await ctx.pool.send_text(phone, to, text)
    except BaseException:
        # Shielded: a cancelled request must still give the unit back.
        await asyncio.shield(_release(ctx, phone, key))
        raise
    try:
        quota = views.quota(await ctx.ledger.commit(phone, key))
    except Exception as exc:
        # The message is out: report success; the reservation counts anyway
        # when it expires, so the quota is not stretched.
        logger.error("%s: the sent message could not be counted yet: %s", phone, exc)
        quota = None
    data = {
        "messageId": result.message_id,
        "timestamp": result.timestamp,
        "sentAt": views.iso(result.timestamp),
        "from": phone,
        "to": to,
        "idempotencyKey": key,
        "quota": quota,
    }
    return {
        "success": True,
        "message": "Message sent successfully",
        "messageId": result.message_id,
        "timestamp": result.timestamp,
        "data": data,
    }


async def _release(ctx: ApiContext, phone: str, key: str) -> None:
    try:
        await ctx.ledger.release(phone, key)
    except Exception as exc:
        logger.error("%s: could not give back a quota unit: %s", phone, exc)


@routes.get("/api/quota", allow_head=False)
async def quota(request: web.Request) -> web.Response:
    raw = request.query.get("phone")
    if raw is None:
        raise bad_request("Query parameter 'phone' is required: the sending number.")
    phone = phone_value(raw, "the query parameter 'phone'")
    ctx = context(request)
    ctx.pool.snapshot(phone)  # a quota is asked for a session this app runs
    return ok({"phoneNumber": phone, **views.quota(await ctx.ledger.status(phone))})
