"""The pool against the simulated transport, through the real engine process.

Each disconnect class of the policy table is injected for real; after every
transient fault the credentials are still on disk and no QR was asked for.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.harness.app_process import plaintext_files
from lila_desktop.core.actions import NoticeKind
from lila_desktop.core.messages import Code
from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from lila_desktop.services.pool import PoolError
from tests.conftest import PoolHarness, build_test_pool

PHONE = "51902049935"
pytestmark = pytest.mark.asyncio


def _jid(h: PoolHarness, phone: str = PHONE) -> str | None:
    return store_schema.device_jid(h.pool.vault.live_path(phone))


async def _handled(h: PoolHarness, phone: str = PHONE) -> None:
    """Every event already posted to the number's queue has been applied: a
    command runs between events, in order (instead of sleeping 'long enough')."""

    async def nothing() -> None:
        return None

    await h.pool._sessions[phone].call(nothing)


async def _linked(h: PoolHarness, phone: str = PHONE) -> str:
    await h.link(phone)
    jid = _jid(h, phone)
    assert jid is not None and jid.startswith(phone)
    return jid


@pytest.mark.parametrize("code", [408, 428, 500, 503, 515])
async def test_transient_disconnect_keeps_credentials_and_reconnects(
    harness: PoolHarness, code: int
) -> None:
    jid = await _linked(harness)
    await harness.pool.simulate(PHONE, "disconnect", {"code": code})
    snap = await harness.wait_status(PHONE, "reconnecting")
    assert snap.last_disconnect is not None and snap.last_disconnect.code == code
    assert snap.next_retry_at is not None
    await harness.wait_status(PHONE, "connected")
    assert _jid(harness) == jid, "credentials must survive a transient fault"
    after_link = harness.statuses(PHONE)[harness.statuses(PHONE).index("connected") :]
    assert "qr" not in after_link
    assert not harness.notices, "a short glitch must not bother the owner"


async def test_network_down_backs_off_then_network_up_reconnects_at_once(
    harness: PoolHarness,
) -> None:
    jid = await _linked(harness)
    await harness.pool.simulate(None, "network_down", {})
    await harness.wait(PHONE, lambda s: s.status is Status.RECONNECTING and s.attempt >= 3)
    # Network back: the remaining backoff is skipped.
    await harness.pool.simulate(None, "network_up", {})
    snap = await harness.wait_status(PHONE, "connected", timeout=2.0)
    assert snap.is_connected and _jid(harness) == jid


async def test_long_outage_tells_the_owner_once_and_then_the_recovery(
    harness: PoolHarness,
) -> None:
    await _linked(harness)
    await harness.pool.simulate(None, "network_down", {})
    assert await harness.notice_kinds(1) == [NoticeKind.DOWN]  # after the 0.6 s grace
    await harness.pool.simulate(None, "network_up", {})
    await harness.wait_status(PHONE, "connected")
    # Told once: a second DOWN would sit before the RECOVERED.
    assert await harness.notice_kinds(2) == [NoticeKind.DOWN, NoticeKind.RECOVERED]


async def test_replaced_retries_once_then_pauses_and_asks(harness: PoolHarness) -> None:
    jid = await _linked(harness)
    await harness.pool.simulate(PHONE, "replaced", {})
    await harness.wait_status(PHONE, "replaced")
    await harness.wait_status(PHONE, "connected")  # the one retry after the delay
    assert not harness.notices
    await harness.pool.simulate(PHONE, "replaced", {})
    snap = await harness.wait(PHONE, lambda s: s.status is Status.REPLACED and s.loop_detected)
    assert snap.next_retry_at is None  # no retry pending: no automatic loop
    assert snap.message and snap.message.code is Code.REPLACED_PAUSED
    assert await harness.notice_kinds(1) == [NoticeKind.REPLACED]
    assert _jid(harness) == jid
    await harness.pool.start_session(PHONE)  # "take over"
    await harness.wait_status(PHONE, "connected")


async def test_temporary_ban_waits_for_expiry_then_reconnects(harness: PoolHarness) -> None:
    jid = await _linked(harness)
    await harness.pool.simulate(PHONE, "temp_ban", {"seconds": 0.8})
    snap = await harness.wait_status(PHONE, "temp_banned")
    assert snap.ban_until is not None
    assert await harness.notice_kinds(1) == [NoticeKind.TEMP_BANNED]
    await harness.wait_status(PHONE, "connected", timeout=5)
    assert _jid(harness) == jid


async def test_logout_resets_to_qr_only_and_backup_restores_it(harness: PoolHarness) -> None:
    jid = await _linked(harness)
    backups = await harness.pool.list_backups(PHONE)
    assert backups, "a verified backup is taken right after pairing"
    await harness.pool.simulate(PHONE, "logout", {"code": 401})
    snap = await harness.wait_status(PHONE, "logged_out")
    assert snap.message and snap.message.code in (Code.LOGGED_OUT, Code.LOGGED_OUT_LOOP)
    assert await harness.notice_kinds(1) == [NoticeKind.LOGGED_OUT]
    assert _jid(harness) is None  # whatsmeow wiped it, as it does
    outcome = await harness.pool.restore(PHONE)
    assert outcome.accepted and outcome.status is Status.CONNECTED
    assert _jid(harness) == jid


async def test_after_logout_linking_again_needs_a_qr(harness: PoolHarness) -> None:
    await _linked(harness)
    await harness.pool.simulate(PHONE, "logout", {"code": 403})
    await harness.wait_status(PHONE, "logged_out")
    await harness.pool.start_session(PHONE)
    snap = await harness.wait_status(PHONE, "qr")
    assert snap.qr and snap.qr.startswith("2@")


async def test_outdated_stops_and_asks_for_an_update(harness: PoolHarness) -> None:
    jid = await _linked(harness)
    await harness.pool.simulate(PHONE, "outdated", {})
    snap = await harness.wait_status(PHONE, "outdated")
    assert snap.next_retry_at is None  # parked: nothing retries by itself
    assert await harness.notice_kinds(1) == [NoticeKind.OUTDATED]
    assert _jid(harness) == jid


async def test_corrupt_store_is_moved_aside_and_restorable(harness: PoolHarness) -> None:
    jid = await _linked(harness)
    await harness.pool.simulate(PHONE, "corrupt_store", {})
    snap = await harness.wait_status(PHONE, "failed")
    assert snap.message and snap.message.code is Code.STORE_CORRUPT
    assert await harness.notice_kinds(1) == [NoticeKind.CORRUPT]  # after the quarantine
    backup_dir = harness.data_dir / "sessions" / "backups" / PHONE
    names = [p.name for p in backup_dir.iterdir()]
    assert any("corrupt" in n for n in names), names  # kept, never deleted
    outcome = await harness.pool.restore(PHONE)
    assert outcome.accepted
    assert _jid(harness) == jid


async def test_user_disconnect_is_never_undone_by_the_network(harness: PoolHarness) -> None:
    await _linked(harness)
    await harness.pool.stop_session(PHONE)
    await harness.pool.simulate(None, "network_down", {})
    await harness.pool.simulate(None, "network_up", {})
    harness.pool.network_up()  # as the network monitor says it
    await _handled(harness)
    assert harness.pool.snapshot(PHONE).status is Status.STOPPED
    assert harness.statuses(PHONE)[-1] == "stopped"


async def test_qr_expires_into_stopped_with_a_message(harness: PoolHarness) -> None:
    await harness.pool.add(PHONE)
    await harness.wait_status(PHONE, "qr")
    snap = await harness.wait_status(PHONE, "stopped", timeout=5)  # 160 s x 0.01
    assert snap.message and snap.message.code is Code.QR_EXPIRED


async def test_engine_crash_brings_every_session_back_with_the_same_login(
    harness: PoolHarness,
) -> None:
    phones = [f"5190200000{i}" for i in range(3)]
    jids = {phone: await _linked(harness, phone) for phone in phones}
    pid = harness.pool.engine.pid
    await harness.pool.simulate(None, "engine_crash", {})
    for phone in phones:
        await harness.wait(phone, lambda s: s.status is not Status.CONNECTED, timeout=5)
    for phone in phones:
        await harness.wait_status(phone, "connected", timeout=10)
        assert _jid(harness, phone) == jids[phone]
    assert harness.pool.engine.pid != pid and harness.pool.engine.restarts == 1


async def test_kill_9_of_the_engine_is_survived(harness: PoolHarness) -> None:
    jid = await _linked(harness)
    await harness.pool.engine.kill()
    await harness.wait(PHONE, lambda s: s.status is not Status.CONNECTED, timeout=5)
    await harness.wait_status(PHONE, "connected", timeout=10)
    assert _jid(harness) == jid


async def test_twenty_sessions_link_without_the_concurrent_connect_crash(
    harness: PoolHarness,
) -> None:
    phones = [f"519030000{i:02d}" for i in range(20)]
    await asyncio.gather(*(harness.pool.add(phone) for phone in phones))
    for phone in phones:
        await harness.wait(phone, lambda s: s.qr is not None)
    await asyncio.gather(*(harness.pool.simulate(p, "scan", {}) for p in phones))
    for phone in phones:
        await harness.wait_status(phone, "connected")
    assert harness.pool.engine.restarts == 0


async def test_sessions_come_back_after_an_app_restart(tmp_path: Path, keystore: object) -> None:
    data_dir, runtime_dir = tmp_path / "data", tmp_path / "run"
    pool = build_test_pool(data_dir, runtime_dir, keystore)  # type: ignore[arg-type]
    await pool.start()
    h = PoolHarness(pool, data_dir, runtime_dir)
    jid = await _linked(h)
    await pool.add("51911111111", "waiting")
    await pool.aclose()
    # By content, whatever the name: no plain SQLite (a store) outlives the app.
    assert plaintext_files(runtime_dir, data_dir) == [], "no plaintext store outlives the app"

    pool = build_test_pool(data_dir, runtime_dir, keystore)  # type: ignore[arg-type]
    await pool.start()
    try:
        h = PoolHarness(pool, data_dir, runtime_dir)
        await h.wait_status(PHONE, "connected")
        assert _jid(h) == jid
        assert {s.phone for s in pool.snapshots()} == {PHONE, "51911111111"}
    finally:
        await pool.aclose()


async def test_a_first_replaced_is_retried_after_a_restart_not_parked(
    tmp_path: Path, keystore: object
) -> None:
    """The app closed while a first 'replaced' waited for its one retry: the
    next start retries it (found by the chaos campaign; it used to stay
    'replaced' until the owner pressed Take over)."""
    from dataclasses import replace

    from tests.conftest import FAST_POLICY

    data_dir, runtime_dir = tmp_path / "data", tmp_path / "run"
    slow_retry = replace(FAST_POLICY, replaced_retry_delay=60.0)
    pool = build_test_pool(data_dir, runtime_dir, keystore, slow_retry)  # type: ignore[arg-type]
    await pool.start()
    h = PoolHarness(pool, data_dir, runtime_dir)
    await _linked(h)
    await pool.simulate(PHONE, "replaced", {})
    waiting = await h.wait_status(PHONE, "replaced")
    assert waiting.next_retry_at is not None and not waiting.loop_detected
    await pool.aclose()

    pool = build_test_pool(data_dir, runtime_dir, keystore)  # type: ignore[arg-type]
    await pool.start()
    try:
        await PoolHarness(pool, data_dir, runtime_dir).wait_status(PHONE, "connected")
    finally:
        await pool.aclose()


async def test_the_owners_command_is_on_disk_when_answered(harness: PoolHarness) -> None:
    """A kill -9 right after the owner took a parked number over (or pressed
    Disconnect) must not bring the old parked status (or wish) back at the next
    start: the command is answered once the session list says so on disk."""
    from lila_desktop.services.registry import SessionRegistry

    def saved() -> tuple[bool, str | None]:
        entry = next(e for e in SessionRegistry(harness.data_dir / "sessions.json").load())
        return entry.desired, entry.parked_status

    await _linked(harness)
    await harness.pool.simulate(PHONE, "replaced", {})
    await harness.wait(PHONE, lambda s: s.status is Status.REPLACED)
    await harness.wait_status(PHONE, "connected")  # the one retry, not yet stable
    await harness.pool.simulate(PHONE, "replaced", {})
    await harness.wait(PHONE, lambda s: s.status is Status.REPLACED and s.next_retry_at is None)
    await harness.pool._saved.flush()  # parked, and saved as such
    assert saved() == (True, "replaced")
    await harness.pool.start_session(PHONE)  # Take over
    assert saved() == (True, None)
    await harness.pool.stop_session(PHONE)  # Disconnect
    assert saved() == (False, None)
    await harness.pool.add(PHONE)  # the API's POST /api/sessions on a known number
    assert saved() == (True, None)


async def test_a_failed_list_write_does_not_fail_the_owners_command(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    await _linked(harness)
    real_save, calls = harness.pool.registry.save, []

    def fails_once(entries: list) -> None:  # type: ignore[type-arg]
        calls.append(len(entries))
        if len(calls) == 1:
            raise RuntimeError("injected")
        real_save(entries)

    monkeypatch.setattr(harness.pool.registry, "save", fails_once)
    await harness.pool.stop_session(PHONE)  # done, though its list write failed
    await harness.pool._saved.flush()  # the debounced writer wrote it after all
    stored = json.loads((harness.data_dir / "sessions.json").read_text())
    assert [s["desired"] for s in stored["sessions"] if s["phone"] == PHONE] == [False]
    assert len(calls) >= 2


async def test_an_outdated_number_told_twice_needs_one_update(harness: PoolHarness) -> None:
    """WhatsApp saying 'too old' again while the number already waits for the
    update is the same need: the owner's update (their next Connect) fixes both."""
    await _linked(harness)
    await harness.pool.simulate(PHONE, "outdated", {})
    await harness.wait_status(PHONE, "outdated")
    await harness.pool.simulate(PHONE, "outdated", {})  # told again, still not updated
    await harness.pool.start_session(PHONE)  # updated, then Connect
    await harness.wait_status(PHONE, "connected")
    # After a login, 'too old' is news again.
    await harness.pool.simulate(PHONE, "outdated", {})
    await harness.wait_status(PHONE, "outdated")


async def test_bad_phone_and_unknown_session_are_clear_errors(harness: PoolHarness) -> None:
    from lila_desktop.core.phone import InvalidPhoneNumber

    with pytest.raises(InvalidPhoneNumber):
        await harness.pool.add("12ab")
    with pytest.raises(PoolError) as err:
        await harness.pool.stop_session("51999999999")
    assert err.value.status == 404


async def test_send_text_only_when_connected(harness: PoolHarness) -> None:
    await harness.pool.add(PHONE)
    with pytest.raises(PoolError) as err:
        await harness.pool.send_text(PHONE, "51911111111", "hola")
    assert err.value.code == "SESSION_NOT_CONNECTED" and err.value.status == 503
    await harness.wait(PHONE, lambda s: s.qr is not None)
    await harness.pool.simulate(PHONE, "scan", {})
    await harness.wait_status(PHONE, "connected")
    sent = await harness.pool.send_text(PHONE, "51911111111", "hola")
    assert sent.message_id.startswith("3EB0")


async def test_engine_is_recycled_before_leaked_handles_add_up(
    tmp_path: Path, keystore: object
) -> None:
    data_dir, runtime_dir = tmp_path / "data", tmp_path / "run"
    pool = build_test_pool(data_dir, runtime_dir, keystore)  # type: ignore[arg-type]
    pool.engine.max_connects = 4
    pool.engine.stats_interval = 0.2
    await pool.start()
    try:
        h = PoolHarness(pool, data_dir, runtime_dir)
        jid = await _linked(h)
        for _ in range(4):  # every drop is a new connect in the engine
            await pool.simulate(PHONE, "disconnect", {"code": 408})
            await h.wait_status(PHONE, "reconnecting")
            await h.wait_status(PHONE, "connected")
        await h.wait(PHONE, lambda s: pool.engine.recycles >= 1 and s.is_connected, timeout=10)
        assert pool.engine.restarts >= 1
        stats = await pool.engine.request("stats")
        assert stats["connects"] <= 4, "a fresh engine after the recycle"
        assert _jid(h) == jid
    finally:
        await pool.aclose()


async def test_a_bad_restore_request_changes_nothing(harness: PoolHarness) -> None:
    from lila_desktop.services.vault import BackupNotFound, InvalidTimestamp

    await _linked(harness)
    with pytest.raises(InvalidTimestamp):
        await harness.pool.restore(PHONE, "../../etc/passwd")
    with pytest.raises(BackupNotFound):
        await harness.pool.restore(PHONE, "2020-01-01T00-00-00-000Z")
    assert harness.pool.snapshot(PHONE).status is Status.CONNECTED


async def test_a_failed_restore_leaves_the_number_running_and_saved_as_wanted(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from lila_desktop.services.vault import VaultError

    jid = await _linked(harness)
    saved: list[bool] = []
    real_save = harness.pool.registry.save

    def spy(entries: list) -> None:  # type: ignore[type-arg]
        saved.extend(e.desired for e in entries if e.phone == PHONE)
        real_save(entries)

    async def saves_done() -> None:
        """Until the debounced list write (if one is pending) has run."""
        while (task := harness.pool._registry_task) is not None and not task.done():
            await task

    async def broken_restore(phone: str, timestamp: str | None = None) -> None:
        await saves_done()  # a save of the stopped number, if one was asked for, ran
        raise VaultError("disk full while swapping (injected)")

    monkeypatch.setattr(harness.pool.registry, "save", spy)
    monkeypatch.setattr(harness.pool.vault, "restore", broken_restore)
    with pytest.raises(VaultError):
        await harness.pool.restore(PHONE)
    await harness.wait_status(PHONE, "connected")
    assert _jid(harness) == jid
    await saves_done()
    assert False not in saved, "the transient stop of a restore was saved"
    stored = json.loads((harness.data_dir / "sessions.json").read_text())
    assert [s["desired"] for s in stored["sessions"] if s["phone"] == PHONE] == [True]


async def test_close_writes_the_list_even_when_the_debounced_writer_failed(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list writer that died (e.g. stepped outside a running loop) never makes
    close raise: the list is written once more and every store is still sealed."""
    import json

    await _linked(harness)
    real_save = harness.pool.registry.save
    calls: list[int] = []

    def fails_once(entries: list) -> None:  # type: ignore[type-arg]
        calls.append(len(entries))
        if len(calls) == 1:
            raise RuntimeError("no running event loop (injected)")
        real_save(entries)

    monkeypatch.setattr(harness.pool.registry, "save", fails_once)
    harness.pool.rename(PHONE, "Tienda")  # a change of the list: a debounced write
    await harness.pool.aclose()
    assert len(calls) == 2, "the failed write is tried once more at close"
    stored = json.loads((harness.data_dir / "sessions.json").read_text())
    assert [s["name"] for s in stored["sessions"] if s["phone"] == PHONE] == ["Tienda"]
    assert plaintext_files(harness.runtime_dir) == []
