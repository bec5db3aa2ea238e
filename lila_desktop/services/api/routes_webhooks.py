"""The owner's webhook: where every message state change is POSTed (issue 16).

`PUT /api/webhook {"url", "allowPrivate"?, "secret"?}` sets it and answers the
signing secret (generated unless given); `GET /api/webhook` shows it without
the secret; `DELETE /api/webhook` turns webhooks off (pending events dropped).
"""

from __future__ import annotations

from aiohttp import web

from lila_desktop.services.api.context import context
from lila_desktop.services.api.errors import ApiError, bad_request, ok
from lila_desktop.services.api.routes_messages import outbox_of
from lila_desktop.services.api.validation import json_body
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.outbox.webhooks import SIGNATURE_HEADER, WebhookRefused, configure

routes = web.RouteTableDef()


@routes.get("/api/webhook", allow_head=False)
async def get_webhook(request: web.Request) -> web.Response:
    store = outbox_of(context(request)).store
    config = await run_blocking(store.webhook)
    pending = await run_blocking(store.pending_events)
    if config is None:
        return ok({"configured": False, "pendingEvents": pending})
    return ok(
        {
            "configured": True,
            "url": config.url,
            "allowPrivate": config.allow_private,
            "signatureHeader": SIGNATURE_HEADER,
            "pendingEvents": pending,
        }
    )


@routes.put("/api/webhook")
async def put_webhook(request: web.Request) -> web.Response:
    store = outbox_of(context(request)).store
    body = await json_body(request)
    url = body.get("url")
    if url is None:
        raise bad_request("'url' is required: where to POST message events (https://…).")
    allow_private = body.get("allowPrivate", False)
    if not isinstance(allow_private, bool):
        raise bad_request("'allowPrivate' must be true or false.")
    secret = body.get("secret")
    if secret is not None and not isinstance(secret, str):
        raise bad_request("'secret' must be text (16 to 200 characters), or left out.")
    try:
        config = await configure(store, url, allow_private=allow_private, secret=secret)
    except WebhookRefused as exc:
        raise ApiError(400, "INVALID_WEBHOOK", str(exc)) from None
    return ok(
        {
            "url": config.url,
            "allowPrivate": config.allow_private,
            "secret": config.secret,
            "signatureHeader": SIGNATURE_HEADER,
        },
        message="Webhook saved; keep the secret to verify the signatures.",
    )


@routes.delete("/api/webhook")
async def delete_webhook(request: web.Request) -> web.Response:
    store = outbox_of(context(request)).store
    await run_blocking(store.set_webhook, None)
    return ok({"configured": False}, message="Webhooks are off.")
