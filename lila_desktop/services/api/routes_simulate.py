"""`POST /api/sessions/{phone}/simulate`: fault injection, simulated transport only.

The body names one event of the policy table; the answer is the session's
status once the event has shown (bounded), so a test or a support person
sees what the policy made of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final

from aiohttp import web

from lila_desktop.core.events import LOGOUT_CODES as CORE_LOGOUT_CODES
from lila_desktop.core.events import TRANSIENT_CODES
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import Status
from lila_desktop.services.api import views
from lila_desktop.services.api.context import context
from lila_desktop.services.api.errors import ApiError, bad_request, ok
from lila_desktop.services.api.validation import (
    int_field,
    json_body,
    phone_param,
    seconds_field,
)
from lila_desktop.services.engine.protocol import SIM_EVENTS
from lila_desktop.services.pool import PoolError
from lila_desktop.services.transports.simulated_faults import MAX_STALL
from lila_desktop.services.transports.simulated_world import LINK_REFUSALS

routes = web.RouteTableDef()

EVENTS: Final = SIM_EVENTS
DISCONNECT_CODES: Final = tuple(sorted(TRANSIENT_CODES))
LOGOUT_CODES: Final = tuple(sorted(CORE_LOGOUT_CODES))
GLOBAL_EVENTS: Final = frozenset({"network_down", "network_up", "engine_crash"})
MAX_BAN: Final = 7 * 24 * 3600.0

Predicate = Callable[[SessionSnapshot], bool]


FIELDS: Final = frozenset({"event", "code", "seconds", "reason"})


def parse_event(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # An unknown field is refused, not ignored: tests that sent {"args": {...}}
    # got the defaults for years without a word.
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise bad_request(
            f"Unknown field(s) {', '.join(json.dumps(k)[:40] for k in unknown[:5])}; "
            f"the fields are {', '.join(sorted(FIELDS))} (at the top level)."
        )
    event = body.get("event")
    if not isinstance(event, str) or event not in EVENTS:
        raise bad_request(f"'event' must be one of {', '.join(EVENTS)}.")
    if event == "disconnect":
        # No code: a plain socket close, what whatsmeow really reports.
        if body.get("code") is None:
            return event, {}
        return event, {"code": int_field(body, "code", DISCONNECT_CODES, 408)}
    if event == "stall":
        return event, {"seconds": seconds_field(body, "seconds", 240.0, MAX_STALL)}
    if event == "refuse_link":
        reason = body.get("reason")
        if not isinstance(reason, str) or reason not in LINK_REFUSALS:
            raise bad_request(
                f"'reason' must be one of {', '.join(LINK_REFUSALS)}; "
                f"got {json.dumps(reason)[:40]}."
            )
        return event, {"reason": reason}
    if event == "logout":
        return event, {"code": int_field(body, "code", LOGOUT_CODES, 401)}
    if event == "temp_ban":
        return event, {"seconds": seconds_field(body, "seconds", 60.0, MAX_BAN)}
    return event, {}


def _effect(event: str, args: dict[str, Any], before: SessionSnapshot) -> Predicate | None:
    """What shows that `event` was applied; None when nothing is expected to change
    now (a plain drop whatsmeow repairs within its grace, a stall shorter than
    its keep-alive limit, a refusal of the next link attempt)."""
    up = before.is_connected

    def becomes(*statuses: Status) -> Predicate:
        return lambda s: s.status in statuses

    def changed(s: SessionSnapshot) -> bool:
        return s.status is not before.status or s.last_disconnect != before.last_disconnect

    if event == "scan":
        return lambda s: s.status not in (Status.QR, Status.PAIRING, Status.CONNECTING)
    if event == "replaced":
        return becomes(Status.REPLACED)
    if event == "logout" or (event == "device_removed" and up):
        return becomes(Status.LOGGED_OUT)
    if event in ("stall", "refuse_link", "device_removed"):
        return None
    if event == "disconnect" and "code" not in args:
        return None
    if event == "temp_ban":
        return becomes(Status.TEMP_BANNED) if up else None
    if event == "outdated":
        return becomes(Status.OUTDATED) if up else None
    if event == "network_up":
        return changed if before.status is Status.RECONNECTING else None
    if event in ("disconnect", "network_down"):
        return (lambda s: not s.is_connected) if up else None
    return changed  # corrupt_store, engine_crash


@routes.post("/api/sessions/{phone}/simulate")
async def simulate(request: web.Request) -> web.Response:
    ctx = context(request)
    phone = phone_param(request)
    event, args = parse_event(await json_body(request))
    before = ctx.pool.snapshot(phone)  # 404 for an unknown number, even for global events
    try:
        await ctx.pool.simulate(None if event in GLOBAL_EVENTS else phone, event, args)
    except PoolError as exc:
        if exc.code in ("NOT_RUNNING", "NOT_PAIRING"):
            # Not "unavailable": this event needs another state of the session.
            raise ApiError(
                409,
                exc.code,
                f"Cannot inject '{event}' while {phone} is {before.status.value}: {exc}.",
            ) from None
        raise
    effect = _effect(event, args, before)
    snap = ctx.pool.snapshot(phone)
    if effect is not None:
        snap = await ctx.settle(phone, effect, ctx.effect_wait)
    return ok(views.session_status(snap) | {"event": event})
