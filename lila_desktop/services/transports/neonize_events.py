"""What neonize's lifecycle events mean for us; no neonize import here.

The timing constants and codes of the real library (NEONIZE_NOTES hazards
9, 14, 17) and `SessionEvents`, the half of `NeonizeClient` that turns
neonize's events into protocol events: each drop reported once, whatsmeow's
own immediate reconnect given its grace, one missed keep-alive not a drop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from lila_desktop.services.transports.base import EventSink

logger = logging.getLogger("lila_desktop.services.transports.neonize_transport")

QR_TIMEOUT = 160.0  # WhatsApp's codes: 60 s, then 20 s each, ~160 s in all
PAIR_WAIT = 20.0  # how long pair_phone() waits for the socket (the first QR)
# Hazard 13: a connect keeps every other Go call out until Go is past its set-up
# (first QR, first event, login status or the end of its task), at most this long.
SETUP_HOLD = 3.0
# Hazard 14: before pairing no event reaches us; a number that shows neither a
# QR code nor a connection by then is reported (and retried by the policy).
NO_ANSWER_TIMEOUT = 30.0
# Hazard 17: after a drop whatsmeow reconnects a paired session at once by
# itself; only if that has not worked by then do we report the drop (and the
# pool stops this client and backs off). Its keep-alive gives up after 3 min.
RECONNECT_GRACE = 10.0
KEEPALIVE_LIMIT = 180.0

# The login-status strings whatsmeow's QR channel ends with (hazard 14), the
# only word neonize gives us before a device is paired.
LOGIN_STATUS_TIMEOUT = "timeout"
LOGIN_STATUS_OUTDATED = "err-client-outdated"
LOGIN_STATUS_MESSAGES = {
    "err-unexpected-state": "WhatsApp answered the link request in an unexpected way",
    "err-scanned-without-multidevice": "the phone that scanned has no linked-devices support",
    "error": "the link attempt broke off before the QR code was scanned",
}

# whatsmeow's QR channel ends with "timeout" on a Disconnected too: with no QR
# shown yet, that is a connection dropped before the link began, not an expiry.
EARLY_DROP_MESSAGE = "the connection dropped before WhatsApp sent a QR code"


def no_answer_message(seconds: float) -> str:
    """Why a silent set-up is failed (hazard 14); the simulator says the same."""
    return f"WhatsApp did not answer within {seconds:g} s (no QR code, no connection)"


# neonize's own ConnectFailureReason numbers -> WhatsApp's HTTP-like codes.
REASON_CODES = {1: 400, 2: 401, 3: 402, 4: 403, 5: 406, 6: 405, 7: 409, 8: 500, 9: 501, 10: 503}
LOGOUT_CODES = frozenset({401, 403, 406})
OUTDATED_CODES = frozenset({405, 409})  # 409: bad user agent, fixed by an update too
TEMP_BAN_CODE = 402

# A busy store (another process holds a lock) is fine: retry it, never quarantine it.
_BUSY_STORE = ("database is locked", "database table is locked", "busy")
_BAD_STORE = ("not a database", "malformed", "unsupported file format", "upgrade database")
_WRAPPERS = ("failed to upgrade database: ", "failed to check if foreign keys are enabled: ")
PATH_BREAKERS = "#?%"  # the store name goes into a file: URI (hazard 11)


def store_problem(message: str) -> str | None:
    """A short reason if a connect error means the store cannot be used, else None."""
    lowered = message.lower()
    if any(m in lowered for m in _BUSY_STORE) or not any(m in lowered for m in _BAD_STORE):
        return None
    reason = message
    for wrapper in _WRAPPERS:
        reason = reason.replace(wrapper, "")
    return reason[:200]


def failure_code(event: Any) -> int | None:
    """WhatsApp's code of a ConnectFailureEv.

    neonize leaves `Reason` unset for codes it has no name for (it would read
    as GENERIC), so fall back to the raw node's `reason` attribute.
    """
    if event.HasField("Reason") and event.Reason in REASON_CODES:
        return REASON_CODES[event.Reason]
    return number(attrs(event.Raw).get("reason"))


def attrs(node: Any) -> dict[str, Any]:
    """A protobuf Node's attributes as a dict (neonize sends a list of oneofs)."""
    return {a.name: getattr(a, a.WhichOneof("Value") or "text") for a in node.Attrs}


def number(value: Any) -> int | None:
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return int(value)
    return None


def ban_expiry(seconds: int) -> float | None:
    # None lets the pool pick its own "look again later" when WhatsApp gave none.
    return time.time() + seconds if seconds > 0 else None


class SessionEvents:
    """Event handlers of one neonize client (mixed into NeonizeClient)."""

    transport: Any  # NeonizeTransport: reconnect_grace, keepalive_limit
    phone: str
    _sink: EventSink
    _loop: asyncio.AbstractEventLoop | None
    _stopped: bool
    _down: bool
    _connected: bool
    _answered: bool
    _keepalive_reported: bool
    _grace_timer: asyncio.Task[None] | None
    _paired: bool
    _setup_done: asyncio.Event
    _qr_seen: asyncio.Event
    _qr_timer: asyncio.Task[None] | None
    _answer_timer: asyncio.Task[None] | None

    async def stop(self) -> None:
        raise NotImplementedError  # NeonizeClient's

    def _emit(self, event: str, **fields: Any) -> None:
        if self._stopped:
            return
        try:
            self._sink(event, **fields)
        except Exception:
            logger.exception("the sink failed on %s", event)

    def _end(self, event: str, **fields: Any) -> None:
        """Report how this connection ended; later drop events are the same drop."""
        self._down = self._answered = True
        self._connected = False
        self._emit(event, **fields)

    def _drop(self, code: int | None, reason: str) -> None:
        if self._down:
            logger.debug("%s: %s is part of a drop already reported", self.phone, reason)
            return
        self._end("disconnected", code=code, reason=reason)

    def _on_connected(self, _event: Any) -> None:
        self._down = self._keepalive_reported = False
        self._connected = self._answered = True
        if self._cancel_grace():
            logger.info("%s: whatsmeow reconnected by itself", self.phone)
            return  # the drop was never reported: nothing changed for the pool
        self._emit("connected")

    def _cancel_grace(self) -> bool:
        timer, self._grace_timer = self._grace_timer, None
        if timer is None:
            return False
        timer.cancel()
        return True

    def _on_disconnected(self, _event: Any) -> None:
        if self._down or self._grace_timer is not None:
            return
        if not self._connected or self._loop is None:
            self._drop(None, "connection lost")
            return
        # Paired and connected: whatsmeow is already reconnecting (hazard 17).
        self._connected = False
        self._grace_timer = self._loop.create_task(self._reconnect_grace())

    async def _reconnect_grace(self) -> None:
        await asyncio.sleep(self.transport.reconnect_grace)
        self._grace_timer = None
        if not self._stopped and not self._connected:
            self._drop(None, "connection lost")

    def _on_keepalive_timeout(self, event: Any) -> None:
        silent_for = time.time() - event.LastSuccess
        if silent_for < self.transport.keepalive_limit:
            # One missed keep-alive is not a drop: whatsmeow keeps trying for 3 min.
            logger.info("%s: keep-alive missed (%d in a row)", self.phone, event.ErrorCount)
            return
        if not self._keepalive_reported:
            self._keepalive_reported = True
            logger.info("%s: keep-alive failed (%d in a row)", self.phone, event.ErrorCount)
            self._drop(408, "keep-alive timeout")

    def _on_keepalive_restored(self, _event: Any) -> None:
        # Not `connected`: the pool answers our 408 by stopping this client and
        # starting a new generation, so the recovered socket is already being
        # torn down; announcing it would race that stop. Re-arm for next time.
        logger.info("%s: keep-alive restored", self.phone)
        self._down = self._keepalive_reported = False

    def _on_temporary_ban(self, event: Any) -> None:
        logger.warning("%s: temporary ban (reason %d)", self.phone, event.Code)
        self._end("temp_ban", code=TEMP_BAN_CODE, expire=ban_expiry(event.Expire))

    def _on_logged_out(self, event: Any) -> None:
        code = REASON_CODES.get(event.Reason) if event.HasField("Reason") else None
        code = code if code in LOGOUT_CODES else 401
        self._end("logged_out", code=code, on_connect=bool(event.OnConnect))

    def _on_connect_failure(self, event: Any) -> None:
        code = failure_code(event)
        if code in LOGOUT_CODES:
            self._end("logged_out", code=code, on_connect=True)
        elif code == TEMP_BAN_CODE:
            expire = number(attrs(event.Raw).get("expire")) or 0
            self._end("temp_ban", code=code, expire=ban_expiry(expire))
        elif code in OUTDATED_CODES:
            self._end("outdated")
        else:
            message = event.Message or f"connect failure {code if code else 'without a code'}"
            self._end("connect_failure", code=code, message=message)

    def _on_stream_error(self, event: Any) -> None:
        conflicts = [attrs(node) for node in event.Raw.Nodes if node.Tag == "conflict"]
        if any(attrs.get("type") == "replaced" for attrs in conflicts):
            self._end("replaced")
            return
        raw = event.Code.strip()
        self._drop(int(raw) if raw.isdigit() else None, f"stream error {raw or 'without a code'}")

    def _from_go(self, callback: Any) -> None:
        """Run `callback` on our loop; called from Go's threads."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # closed meanwhile: the engine is exiting
            loop.call_soon_threadsafe(callback)

    def _task_ended(self, _task: asyncio.Task[Any]) -> None:
        self._setup_done.set()
        self.transport.lingering.discard(self)

    async def _expect_an_answer(self) -> None:
        await asyncio.sleep(self.transport.no_answer_timeout)
        self._answer_timer = None
        if self._stopped or self._answered:
            return
        logger.warning(
            "%s: no QR code and no connection after %g s",
            self.phone,
            self.transport.no_answer_timeout,
        )
        message = no_answer_message(self.transport.no_answer_timeout)
        self._end("connect_failure", code=None, message=message)

    def _cancel_qr_timer(self) -> None:
        timer, self._qr_timer = self._qr_timer, None
        if timer is not None:
            timer.cancel()

    async def _expire_qr(self) -> None:
        await asyncio.sleep(self.transport.qr_timeout)
        self._qr_timer = None  # done: stop() must not cancel the task running it
        await self._qr_ran_out()

    async def _qr_ran_out(self) -> None:
        if self._stopped or self._paired or self._connected:
            return
        logger.info("the QR codes of %s expired unscanned", self.phone)
        self._end("qr_expired")
        await self.stop()

    def _on_login_status(self, status: str) -> None:
        """whatsmeow's QR channel ended (hazard 14); only this word reaches us."""
        self._setup_done.set()
        if self._stopped or self._paired or status == "success":
            return
        logger.info("%s: the link attempt ended: %s", self.phone, status)
        if status == LOGIN_STATUS_TIMEOUT and not self._qr_seen.is_set():
            self._end("connect_failure", code=None, message=EARLY_DROP_MESSAGE)
        elif status == LOGIN_STATUS_TIMEOUT:
            self._cancel_qr_timer()
            if self._qr_timer is None and self._loop is not None:
                self._qr_timer = self._loop.create_task(self._qr_ran_out())
        elif status == LOGIN_STATUS_OUTDATED:
            self._end("outdated")
        else:
            message = LOGIN_STATUS_MESSAGES.get(status, f"the link attempt ended ({status})")
            self._end("connect_failure", code=None, message=message)
