"""Session endpoints (PRODUCT.md §5), with lila-app's paths and JSON shapes."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web

from lila_desktop import __version__
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.api import views
from lila_desktop.services.api.context import ApiContext, context
from lila_desktop.services.api.errors import ApiError, bad_request, ok
from lila_desktop.services.api.qr_image import qr_data_url, qr_png
from lila_desktop.services.api.validation import (
    backup_timestamp,
    bool_query,
    choice_query,
    json_body,
    phone_param,
    phone_value,
    string_field,
)
from lila_desktop.services.blocking import run_blocking

logger = logging.getLogger(__name__)

routes = web.RouteTableDef()

_LINKING = (Status.QR, Status.PAIRING)
PAIRING_INSTRUCTIONS = (
    "On the phone: WhatsApp → Settings → Linked devices → Link a device → "
    "Link with phone number instead, then type this code."
)


def _linking_settled(snap: SessionSnapshot) -> bool:
    """A QR is showing, or the session went somewhere else than 'connecting'."""
    return snap.qr is not None or snap.status is not Status.CONNECTING


async def _qr_fields(snap: SessionSnapshot) -> dict[str, Any]:
    qr = snap.qr if snap.status is Status.QR else None
    image = await run_blocking(qr_data_url, qr) if qr else None
    return {"qr": qr, "qrImage": image}


@routes.get("/health", allow_head=False)
async def health(request: web.Request) -> web.Response:
    ctx = context(request)
    snaps = ctx.pool.snapshots()
    return ok(
        {
            "status": "ok",
            "version": __version__,
            "transport": ctx.pool.transport,
            "uptime": round(time.monotonic() - ctx.started_at, 3),
            "sessions": len(snaps),
            "connected": sum(1 for s in snaps if s.is_connected),
        }
    )


@routes.get("/api/sessions", allow_head=False)
async def list_sessions(request: web.Request) -> web.Response:
    snaps = context(request).pool.snapshots()
    return ok({"total": len(snaps), "sessions": [views.session_summary(s) for s in snaps]})


# lila-app's older path for the same list.
routes.get("/api/sessions/list", allow_head=False)(list_sessions)


@routes.post("/api/sessions")
async def create_session(request: web.Request) -> web.Response:
    ctx = context(request)
    body = await json_body(request)
    if body.get("phoneNumber") is None:
        raise bad_request('\'phoneNumber\' is required, e.g. {"phoneNumber": "51902049935"}.')
    phone = phone_value(body["phoneNumber"], "'phoneNumber'")
    name = string_field(body, "name", required=False, max_length=80) or ""
    existed = phone in ctx.pool
    if existed and name:
        ctx.pool.rename(phone, name)  # add() keeps the old name of a known number
    snap = await ctx.pool.add(phone, name)
    if not snap.is_connected:
        snap = await ctx.settle(phone, _linking_settled, ctx.qr_wait)
    data = views.session_status(snap) | await _qr_fields(snap)
    return ok(data, status=200 if existed and snap.is_connected else 201)


@routes.get("/api/sessions/{phone}/status", allow_head=False)
async def session_status(request: web.Request) -> web.Response:
    snap = context(request).pool.snapshot(phone_param(request))
    return ok(views.session_status(snap))


@routes.get("/api/sessions/{phone}/qr", allow_head=False)
async def session_qr(request: web.Request) -> web.Response:
    ctx = context(request)
    fmt = choice_query(request, "format", ("png", "json"), "png")
    phone = phone_param(request)
    snap = ctx.pool.snapshot(phone)
    if snap.status is Status.CONNECTING:
        snap = await ctx.settle(phone, _linking_settled, ctx.qr_wait)
    if snap.status is not Status.QR or not snap.qr:
        raise _no_qr(snap)
    if fmt == "json":
        return ok({"phoneNumber": phone, **await _qr_fields(snap)})
    png = await run_blocking(qr_png, snap.qr)
    return web.Response(body=png, content_type="image/png")


def _no_qr(snap: SessionSnapshot) -> ApiError:
    if snap.is_connected:
        why = f"{snap.phone} is already connected; no QR is needed."
    else:
        why = (
            f"No QR is showing for {snap.phone} (status {snap.status.value}); start linking "
            "with POST /api/sessions."
        )
    return ApiError(404, "QR_NOT_AVAILABLE", why)


@routes.post("/api/sessions/{phone}/request-pairing-code")
async def request_pairing_code(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    snap = ctx.pool.snapshot(phone)
    if snap.is_connected:
        raise ApiError(409, "ALREADY_CONNECTED", f"{phone} is already connected; no code needed.")
    if snap.status not in _LINKING:
        # Start linking first, as the window's "Link with phone number" does.
        await ctx.pool.add(phone)
        snap = await ctx.settle(phone, _linking_settled, ctx.qr_wait)
    code = await ctx.pool.pair_phone(phone)
    return ok({"phoneNumber": phone, "pairingCode": code, "instructions": PAIRING_INSTRUCTIONS})


@routes.post("/api/sessions/{phone}/logout")
async def logout(request: web.Request) -> web.Response:
    ctx = context(request)
    snap = await ctx.pool.logout(phone_param(request))
    return ok(views.session_status(snap), message=f"Session {snap.phone} logged out")


@routes.delete("/api/sessions/{phone}")
async def delete_session(request: web.Request) -> web.Response:
    ctx = context(request)
    delete_backups = bool_query(request, "deleteBackups")
    phone = phone_param(request)
    await ctx.pool.remove(phone, delete_backups=delete_backups)
    return ok(
        {"phoneNumber": phone, "deleted": True, "backupsDeleted": delete_backups},
        message=f"Session {phone} removed" + ("" if delete_backups else "; its backups were kept"),
    )


@routes.get("/api/sessions/{phone}/backups", allow_head=False)
async def list_backups(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    backups = await ctx.pool.list_backups(phone)
    return ok(
        {
            "phoneNumber": phone,
            "total": len(backups),
            "backups": [views.backup(b) for b in backups],
        }
    )


@routes.post("/api/sessions/{phone}/backups")
async def create_backup(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    info = await ctx.pool.backup_now(phone)
    if info is not None:
        data = {"phoneNumber": phone, "created": True, "backup": views.backup(info)}
        return ok(data, status=201, message=f"Backup {info.timestamp} created")
    latest = (await ctx.pool.list_backups(phone))[:1]
    return ok(
        {
            "phoneNumber": phone,
            "created": False,
            "backup": views.backup(latest[0]) if latest else None,
        },
        message="Nothing new to back up: the newest backup already holds this state"
        if latest
        else "Nothing to back up yet: link the number first",
    )


@routes.post("/api/sessions/{phone}/restore")
async def restore(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    timestamp = backup_timestamp(await json_body(request))
    # Checked before the pool stops the session, so a wrong request changes nothing.
    known = {b.timestamp for b in await ctx.pool.list_backups(phone)}
    if not known:
        raise ApiError(
            404, "BACKUP_NOT_FOUND", f"{phone} has no backups to restore; link it again with a QR."
        )
    if timestamp is not None and timestamp not in known:
        raise ApiError(
            404,
            "BACKUP_NOT_FOUND",
            f"{phone} has no backup {timestamp}; list them with GET /api/sessions/{phone}/backups.",
        )
    outcome = await ctx.pool.restore(phone, timestamp)
    data = views.session_status(ctx.pool.snapshot(phone)) | {
        "restoredFrom": outcome.backup.timestamp,
        "accepted": outcome.accepted,
    }
    return ok(data, message=outcome.message)


def register(app: web.Application, ctx: ApiContext) -> None:
    app.add_routes(routes)
    if ctx.pool.transport == "simulated":
        from lila_desktop.services.api.routes_simulate import routes as simulate_routes

        app.add_routes(simulate_routes)
