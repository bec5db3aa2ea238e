"""The owner's commands on a number (from the window or the API)."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from typing import Any

from lila_desktop.core.events import UserReconnectNow, UserStart, UserStop
from lila_desktop.core.messages import Code, Message
from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.snapshot import SessionSnapshot
from lila_desktop.core.status import RUNNING, Status
from lila_desktop.services.engine import protocol as p
from lila_desktop.services.engine.client import EngineError
from lila_desktop.services.pool.errors import PoolError, checked_name
from lila_desktop.services.pool.state import PoolState
from lila_desktop.services.transports.base import SendResult

logger = logging.getLogger(__name__)

QR_WINDOW = 160.0  # WhatsApp's QR codes of one link attempt last ~160 s in all
PAIR_CODE_WINDOW = 60.0  # a pairing code needs at least this much of it to be typed in
PAIR_RESTART_WAIT = 30.0  # for the first QR of the fresh attempt


class OwnerCommands(PoolState):
    async def add(self, phone: str, name: str = "", *, start: bool = True) -> SessionSnapshot:
        """Add a number (or start linking one that exists but is not running)."""
        key = normalize_phone(phone)
        cleaned = checked_name(name)
        sup = self._sessions.get(key)
        known = sup is not None
        if sup is None:
            sup = self._create(key, cleaned)
            self._saved.persist_if_changed(sup.snapshot)
            logger.info("session added", extra={"event": "added", "phone": key})
        if start and sup.snapshot.status not in RUNNING:
            await sup.call(lambda: sup.apply(UserStart()))
            if known:  # Connect on a saved (maybe parked) number; a burst of new ones: one write
                await self._saved.write_pending()
        return sup.snapshot

    async def start_session(self, phone: str) -> SessionSnapshot:
        """Connect (or take over / link again); a no-op while already running."""
        sup = self._get(phone)
        if sup.snapshot.status not in RUNNING:
            await sup.call(lambda: sup.apply(UserStart()))
            await self._saved.write_pending()
        return sup.snapshot

    async def stop_session(self, phone: str) -> SessionSnapshot:
        sup = self._get(phone)
        await sup.call(lambda: sup.apply(UserStop()))
        await self._saved.write_pending()
        return sup.snapshot

    async def reconnect_now(self, phone: str) -> SessionSnapshot:
        sup = self._get(phone)
        await sup.call(lambda: sup.apply(UserReconnectNow()))
        return sup.snapshot

    def rename(self, phone: str, name: str) -> None:
        self._get(phone).rename(checked_name(name))

    async def logout(self, phone: str) -> SessionSnapshot:
        """Unlink this laptop from the number (after a backup), then stop."""
        sup = self._get(phone)

        async def run() -> None:
            await sup.run_backup("before-logout", connected=sup.snapshot.is_connected)
            told_whatsapp = True
            try:
                await self.engine.request(p.OP_LOGOUT, phone=sup.phone)
            except EngineError as exc:
                told_whatsapp = False
                logger.warning("%s: WhatsApp could not be told about the logout: %s", phone, exc)
            await sup.apply(UserStop())
            await self.vault.reset(sup.phone, "user-logout")
            message = Message.of(
                Code.USER_LOGGED_OUT if told_whatsapp else Code.USER_LOGGED_OUT_UNREACHABLE
            )
            sup.restore_state(
                replace(sup.state, status=Status.LOGGED_OUT, since=self.clock(), message=message)
            )

        await sup.call(run)
        return sup.snapshot

    async def remove(self, phone: str, *, delete_backups: bool = False) -> None:
        sup = self._get(phone)
        await sup.call(lambda: sup.apply(UserStop()))
        await sup.aclose()
        del self._sessions[sup.phone]
        self._saved.persisted.pop(sup.phone, None)
        await self.vault.remove(sup.phone, delete_backups=delete_backups)
        self._saved.save()
        logger.info("session removed", extra={"event": "removed", "phone": sup.phone})

    async def pair_phone(self, phone: str) -> str:
        sup = self._get(phone)
        if sup.snapshot.status not in (Status.QR, Status.PAIRING):
            raise PoolError(
                "Start linking first: the number must be showing a QR code.", "NOT_PAIRING", 409
            )
        if self.clock() - sup.snapshot.since > QR_WINDOW - PAIR_CODE_WINDOW:
            # Too little of this attempt's QR window is left to type a code in:
            # start a fresh attempt (a new QR) and ask for the code on that one.
            await self.reconnect_now(sup.phone)
            await self.wait_for(
                sup.phone, lambda s: s.status is Status.QR and s.qr is not None, PAIR_RESTART_WAIT
            )
        result = await self._engine_call(p.OP_PAIR_PHONE, phone=sup.phone)
        return str(result["code"])

    async def send_text(self, phone: str, to: str, text: str) -> SendResult:
        sup = self._get(phone)
        if not sup.snapshot.is_connected:
            raise PoolError(
                f"{sup.phone} is not connected ({sup.snapshot.status.value}); "
                "wait until it is connected, then try again.",
                "SESSION_NOT_CONNECTED",
                503,
            )
        result = await self._engine_call(p.OP_SEND_TEXT, phone=sup.phone, to=to, text=text)
        return SendResult(str(result["message_id"]), float(result["timestamp"]))

    async def simulate(self, phone: str | None, event: str, args: dict[str, Any]) -> None:
        if self.transport != "simulated":
            raise PoolError("Simulation needs --transport simulated.", "NOT_SIMULATED", 404)
        key = None if phone is None else self._get(phone).phone
        if event == "engine_crash":
            # The engine aborts before it can answer: don't wait for a reply.
            with contextlib.suppress(EngineError):
                await self.engine.request(p.OP_SIMULATE, timeout=2.0, phone=key, event=event)
            return
        await self._engine_call(p.OP_SIMULATE, phone=key, event=event, args=args)

    async def _engine_call(self, op: str, **args: Any) -> Any:
        try:
            return await self.engine.request(op, **args)
        except EngineError as exc:
            status = (
                503 if exc.code in ("ENGINE_UNAVAILABLE", "NOT_CONNECTED", "NOT_RUNNING") else 409
            )
            if exc.code == "SEND_UNKNOWN":
                status = 504  # may have been delivered: not a failure to retry blindly
            raise PoolError(str(exc), exc.code, status) from exc
