"""What every part of the pool shares: the numbers, the collaborators, the observers.

`SessionPool` is assembled from the responsibilities built on this base
(lifecycle, event routing, owner commands, backups, housekeeping).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

from lila_desktop.core.events import Event, NetworkDown, NetworkUp
from lila_desktop.core.phone import normalize_phone
from lila_desktop.core.policy import DEFAULT_CONFIG, PolicyConfig, SessionState
from lila_desktop.core.snapshot import Notice, SessionSnapshot
from lila_desktop.services.network import NetworkMonitor, dns_probe
from lila_desktop.services.pool.errors import RestoreOutcome, SessionNotFound
from lila_desktop.services.pool.ports import PoolEngine, PoolVault
from lila_desktop.services.pool.registry_sync import RegistrySync
from lila_desktop.services.registry import SessionRegistry
from lila_desktop.services.supervisor import SessionSupervisor, SupervisorContext
from lila_desktop.services.wording import english

logger = logging.getLogger(__name__)


class PoolState:
    def __init__(
        self,
        *,
        engine: PoolEngine,
        vault: PoolVault,
        registry: SessionRegistry,
        config: PolicyConfig = DEFAULT_CONFIG,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        os_network: bool | None = None,
    ) -> None:
        self.engine = engine
        self.vault = vault
        vault.release_handles = engine.recycle  # Windows: leaked handles block a replace
        self.registry = registry
        self.config = config
        self.clock = clock
        self._rng = rng or random.Random()
        self._sessions: dict[str, SessionSupervisor] = {}
        self._observers: list[Callable[[SessionSnapshot], None]] = []
        self._notice_observers: list[Callable[[Notice], None]] = []
        self._restore_observers: list[Callable[[RestoreOutcome], None]] = []
        self._receipt_observers: list[Callable[[str, list[str], str], None]] = []
        self._saved = RegistrySync(registry, self._sessions)
        self._changed = asyncio.Condition()
        self._notify_pending = False
        self._housekeeping: asyncio.Task[None] | None = None
        # The simulated WhatsApp reports its network itself (EV_NETWORK); for
        # the real one the OS tells us (Qt in the window, netlink headless), or
        # we probe DNS. Wake-from-sleep is watched either way.
        real = engine.transport != "simulated"
        self.network = NetworkMonitor(
            lambda why: self._post_all(NetworkUp()),
            on_down=lambda why: self._post_all(NetworkDown()),
            probe=dns_probe if real else None,
            os_events=real if os_network is None else os_network,
        )
        self._network_task: asyncio.Task[None] | None = None
        self._closed = False
        self.transport = engine.transport

    @property
    def _registry_task(self) -> asyncio.Task[None] | None:
        """The pending write of the session list (tests wait for it)."""
        return self._saved.task

    # --- observing ---------------------------------------------------------

    def subscribe(self, callback: Callable[[SessionSnapshot], None]) -> Callable[[], None]:
        self._observers.append(callback)
        return lambda: self._observers.remove(callback)

    def subscribe_notices(self, callback: Callable[[Notice], None]) -> Callable[[], None]:
        self._notice_observers.append(callback)
        return lambda: self._notice_observers.remove(callback)

    def subscribe_restores(self, callback: Callable[[RestoreOutcome], None]) -> Callable[[], None]:
        """Told of every restore's outcome, whoever asked (window or API): the history."""
        self._restore_observers.append(callback)
        return lambda: self._restore_observers.remove(callback)

    def subscribe_receipts(
        self, callback: Callable[[str, list[str], str], None]
    ) -> Callable[[], None]:
        """WhatsApp receipts: callback(phone, message ids, "delivered"|"read")."""
        self._receipt_observers.append(callback)
        return lambda: self._receipt_observers.remove(callback)

    def snapshots(self) -> list[SessionSnapshot]:
        return [sup.snapshot for sup in self._sessions.values()]

    def snapshot(self, phone: str) -> SessionSnapshot:
        return self._get(phone).snapshot

    def __contains__(self, phone: str) -> bool:
        return phone in self._sessions

    async def wait_for(
        self,
        phone: str,
        predicate: Callable[[SessionSnapshot], bool],
        timeout: float,
    ) -> SessionSnapshot:
        """Wait until the session's snapshot satisfies `predicate` (TimeoutError)."""
        async with asyncio.timeout(timeout), self._changed:
            while not predicate(self.snapshot(phone)):
                await self._changed.wait()
        return self.snapshot(phone)

    def _publish(self, snapshot: SessionSnapshot) -> None:
        for callback in list(self._observers):
            try:
                callback(snapshot)
            except Exception:
                logger.exception("snapshot observer failed")
        self._saved.persist_if_changed(snapshot)
        # One wake-up task for all the snapshots published before it runs (a task
        # per snapshot was thousands a second at 200 flapping numbers).
        if not self._notify_pending:
            self._notify_pending = True
            asyncio.get_running_loop().create_task(self._notify_waiters())

    async def _notify_waiters(self) -> None:
        async with self._changed:
            self._notify_pending = False  # later snapshots schedule their own wake-up
            self._changed.notify_all()

    def _notify(self, notice: Notice) -> None:
        logger.warning(
            "owner notified: %s",
            english(notice.message),
            extra={"event": "notice", "phone": notice.phone, "kind": notice.kind.value},
        )
        for callback in list(self._notice_observers):
            try:
                callback(notice)
            except Exception:
                logger.exception("notice observer failed")

    # --- the numbers -------------------------------------------------------

    def _get(self, phone: str) -> SessionSupervisor:
        key = normalize_phone(phone)
        sup = self._sessions.get(key)
        if sup is None:
            raise SessionNotFound(key)
        return sup

    def _create(self, phone: str, name: str) -> SessionSupervisor:
        ctx = SupervisorContext(
            engine=self.engine,
            vault=self.vault,
            config=self.config,
            clock=self.clock,
            publish=self._publish,
            notify=self._notify,
            rng=self._rng,
            save_list=self._saved.write_now,
        )
        offline = self.network.told_offline
        sup = SessionSupervisor(phone, name, ctx, SessionState(since=self.clock(), offline=offline))
        self._sessions[phone] = sup
        return sup

    def _post_all(self, event: Event) -> None:
        for sup in self._sessions.values():
            sup.post(event)
