"""The embedded SQLite quota ledger on real files, threads and processes; the factory."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from lila_desktop.core.phone import InvalidPhoneNumber
from lila_desktop.core.quota import QuotaExceeded, QuotaStatus
from lila_desktop.core.settings import Settings
from lila_desktop.services.config import CommandLine, ConfigError, resolve
from lila_desktop.services.quota import MongoLedger, SqliteLedger, build_ledger
from lila_desktop.services.quota._sqlite import open_db
from lila_desktop.services.quota.factory import QuotaConfigError
from lila_desktop.services.quota.sqlite_ledger import SCHEMA, SCHEMA_VERSION

SENDER = "51902049935"
REPO = Path(__file__).resolve().parents[3]


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest_asyncio.fixture
async def ledger(tmp_path: Path) -> AsyncIterator[SqliteLedger]:
    async with SqliteLedger(tmp_path / "quota.sqlite3", limit=3) as led:
        yield led


@pytest.mark.asyncio
async def test_reserve_commit_and_refuse_over_quota(ledger: SqliteLedger) -> None:
    s = await ledger.reserve(SENDER, "m1")
    assert (s.used, s.reserved, s.remaining, s.limit) == (0, 1, 2, 3)
    assert s.source == "local" and s.portal_reachable and not s.stale
    s = await ledger.commit(SENDER, "m1")
    assert (s.used, s.reserved, s.remaining) == (1, 0, 2)
    await ledger.reserve(SENDER, "m2")
    await ledger.reserve("+51 902 049 935", "m3")  # the same sender, written differently
    with pytest.raises(QuotaExceeded) as info:
        await ledger.reserve(SENDER, "m4")
    assert info.value.code == "WHATSAPP_QUOTA_EXCEEDED"
    assert info.value.status.remaining == 0
    assert "1 of 3" in str(info.value)
    await ledger.release(SENDER, "m2")  # that send failed: its unit comes back
    s = await ledger.reserve(SENDER, "m4")
    assert (s.used, s.reserved, s.remaining) == (1, 2, 0)


@pytest.mark.asyncio
async def test_idempotency_a_retry_never_counts_twice(ledger: SqliteLedger) -> None:
    await ledger.reserve(SENDER, "k")
    s = await ledger.reserve(SENDER, "k")
    assert (s.used, s.reserved) == (0, 1)
    await ledger.commit(SENDER, "k")
    s = await ledger.commit(SENDER, "k")
    assert (s.used, s.reserved) == (1, 0)
    s = await ledger.reserve(SENDER, "k")  # a late retry of the reserve
    assert (s.used, s.reserved) == (1, 0)
    await ledger.release(SENDER, "k")  # cannot unsend a committed message
    assert (await ledger.status(SENDER)).used == 1


@pytest.mark.asyncio
async def test_commit_without_reservation_still_counts(ledger: SqliteLedger) -> None:
    s = await ledger.commit(SENDER, "never-reserved")
    assert s.used == 1
    assert (await ledger.commit(SENDER, "never-reserved")).used == 1
    await ledger.release(SENDER, "unknown")  # harmless
    assert (await ledger.status(SENDER)).used == 1


@pytest.mark.asyncio
async def test_released_key_can_be_reserved_again(ledger: SqliteLedger) -> None:
    await ledger.reserve(SENDER, "k")
    await ledger.release(SENDER, "k")
    await ledger.release(SENDER, "k")
    assert (await ledger.status(SENDER)).reserved == 0
    assert (await ledger.reserve(SENDER, "k")).reserved == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("fail_every", [0, 7])
async def test_many_parallel_sends_never_exceed_the_limit(tmp_path: Path, fail_every: int) -> None:
    async with SqliteLedger(tmp_path / "q.sqlite3", limit=50) as led:

        async def send(i: int) -> str:
            try:
                await led.reserve(SENDER, f"m{i}")
            except QuotaExceeded:
                return "refused"
            await asyncio.sleep(0)  # the "send"
            if fail_every and i % fail_every == 0:
                await led.release(SENDER, f"m{i}")  # this send failed
                return "released"
            await led.commit(SENDER, f"m{i}")
            return "sent"

        results = await asyncio.gather(*(send(i) for i in range(300)))
        status = await led.status(SENDER)
    sent = results.count("sent")
    assert status.used == sent
    assert status.reserved == 0
    assert status.remaining == 50 - sent
    # Every unit was handed out at least once: the limit was really reached.
    assert sent + results.count("released") >= 50
    if not fail_every:
        assert sent == 50 and results.count("refused") == 250


@pytest.mark.asyncio
async def test_two_ledgers_on_one_file_share_the_quota(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    async with SqliteLedger(path, limit=40) as a, SqliteLedger(path, limit=40) as b:

        async def send(led: SqliteLedger, i: int) -> int:
            try:
                await led.reserve(SENDER, f"m{i}")
            except QuotaExceeded:
                return 0
            await led.commit(SENDER, f"m{i}")
            return 1

        sent = await asyncio.gather(*(send(a if i % 2 else b, i) for i in range(120)))
        assert sum(sent) == 40
        assert (await a.status(SENDER)).used == (await b.status(SENDER)).used == 40


_WORKER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from lila_desktop.core.quota import QuotaExceeded
    from lila_desktop.services.quota import SqliteLedger

    async def main(path, worker, n):
        sent = 0
        async with SqliteLedger(Path(path), limit=100) as led:
            async def one(i):
                nonlocal sent
                key = f"w{worker}-{i}"
                try:
                    await led.reserve("51902049935", key)
                except QuotaExceeded:
                    return
                await led.commit("51902049935", key)
                await led.commit("51902049935", key)  # a retry must not count
                sent += 1
            await asyncio.gather(*(one(i) for i in range(n)))
        print(sent)

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


def test_parallel_processes_never_exceed_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "multi.sqlite3"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(path), str(w), "60"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]  # reap all before asserting
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    sent = [int(out) for out, _ in outputs]
    assert sum(sent) == 100  # 240 attempts, 100 allowed, none lost, none doubled
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT sum(used) FROM usage").fetchone()[0] == 100
        assert db.execute("SELECT count(*) FROM reservations").fetchone()[0] == 100
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.asyncio
async def test_usage_persists_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    async with SqliteLedger(path, limit=5) as led:
        await led.reserve(SENDER, "a")
        await led.commit(SENDER, "a")
    async with SqliteLedger(path, limit=7) as led:
        s = await led.status(SENDER)
        assert (s.used, s.limit, s.remaining) == (1, 7, 6)
        assert (await led.commit(SENDER, "a")).used == 1  # keys survive too


@pytest.mark.asyncio
async def test_new_month_starts_from_zero(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    async with SqliteLedger(tmp_path / "q.sqlite3", limit=1, clock=clock) as led:
        await led.reserve(SENDER, "jan")
        with pytest.raises(QuotaExceeded):
            await led.reserve(SENDER, "jan-2")
        clock.now = datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC)
        s = await led.commit(SENDER, "jan")  # counts in the month it was reserved in
        assert s.period == "2026-01" and s.used == 1
        s = await led.reserve(SENDER, "feb")
        assert (s.period, s.used, s.reserved) == ("2026-02", 0, 1)


@pytest.mark.asyncio
async def test_unsettled_reservation_counts_after_the_ttl(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 1, 10, tzinfo=UTC))
    async with SqliteLedger(
        tmp_path / "q.sqlite3", limit=2, clock=clock, reservation_ttl=timedelta(minutes=15)
    ) as led:
        await led.reserve(SENDER, "crashed-mid-send")
        clock.now += timedelta(minutes=16)
        s = await led.status(SENDER)
        assert (s.used, s.reserved) == (1, 0)
        s = await led.commit(SENDER, "crashed-mid-send")  # a late commit changes nothing
        assert s.used == 1


@pytest.mark.asyncio
async def test_set_limit_applies_to_the_next_check(ledger: SqliteLedger) -> None:
    for k in ("a", "b", "c"):
        await ledger.reserve(SENDER, k)
    ledger.set_limit(4)
    assert (await ledger.reserve(SENDER, "d")).remaining == 0
    with pytest.raises(ValueError, match="positive whole number"):
        ledger.set_limit(0)


@pytest.mark.asyncio
async def test_bad_input_is_refused_clearly(ledger: SqliteLedger) -> None:
    with pytest.raises(InvalidPhoneNumber):
        await ledger.reserve("0902049935", "k")
    with pytest.raises(ValueError, match="idempotency key"):
        await ledger.reserve(SENDER, "two words")


@pytest.mark.asyncio
async def test_aclose_is_idempotent_and_final(tmp_path: Path) -> None:
    led = SqliteLedger(tmp_path / "q.sqlite3")
    await led.reserve(SENDER, "k")
    await led.aclose()
    await led.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await led.status(SENDER)


@pytest.mark.asyncio
async def test_unreadable_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    async with SqliteLedger(path) as led:
        with pytest.raises(RuntimeError, match=r"unreadable.*move it aside"):
            await led.status(SENDER)


@pytest.mark.asyncio
async def test_status_value_shape(ledger: SqliteLedger) -> None:
    s = await ledger.status(SENDER)
    assert isinstance(s, QuotaStatus)
    assert s.company_id == "local"
    assert s.period == datetime.now(UTC).strftime("%Y-%m")


# --- factory --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "value"),
    [({}, 1000), ({"LILA_QUOTA_LIMIT": " "}, 1000), ({"LILA_QUOTA_LIMIT": "250"}, 250)],
)
def test_limit_from_env(env: dict[str, str], value: int) -> None:
    assert resolve(CommandLine(), env, Settings()).quota_limit == value


@pytest.mark.parametrize("bad", ["0", "-5", "ten", "10.5"])
def test_limit_from_env_bad_value_names_the_variable(bad: str) -> None:
    with pytest.raises(ConfigError, match="LILA_QUOTA_LIMIT must be a positive whole"):
        resolve(CommandLine(), {"LILA_QUOTA_LIMIT": bad}, Settings())


def test_mongodb_uri_from_env_checks_the_scheme_without_echoing_it() -> None:
    assert resolve(CommandLine(), {}, Settings()).mongodb_uri is None
    uri = "mongodb+srv://u:p@cluster0.example.net/"
    assert resolve(CommandLine(), {"LILA_MONGODB_URI": uri}, Settings()).mongodb_uri == uri
    with pytest.raises(ConfigError, match="mongodb://") as info:
        resolve(CommandLine(), {"LILA_MONGODB_URI": "http://u:secret@host"}, Settings())
    assert "secret" not in str(info.value)


@pytest.mark.asyncio
async def test_build_ledger_chooses_by_uri(tmp_path: Path) -> None:
    local = build_ledger(mongodb_uri=None, data_dir=tmp_path, limit=12, company_id=None)
    assert isinstance(local, SqliteLedger)
    assert (await local.status(SENDER)).limit == 12
    await local.aclose()
    assert (tmp_path / "quota" / "ledger.sqlite3").exists()
    portal = build_ledger(
        mongodb_uri="mongodb://127.0.0.1:9/", data_dir=tmp_path, limit=12, company_id="acme"
    )
    assert isinstance(portal, MongoLedger)  # nothing connects until first use
    await portal.aclose()
    with pytest.raises(QuotaConfigError):
        build_ledger(mongodb_uri="localhost:27017", data_dir=tmp_path, limit=1, company_id=None)
    with pytest.raises(QuotaConfigError, match="positive whole number"):
        build_ledger(mongodb_uri=None, data_dir=tmp_path, limit=0, company_id=None)


def test_a_ledger_opening_while_another_writes_waits_for_it(tmp_path: Path) -> None:
    # SQLite refuses the switch to WAL at once while another connection holds
    # the write lock (no busy timeout there): the fresh-clone run saw two
    # ledgers opening one file fail the second with "database is locked".
    path = tmp_path / "shared.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other VALUES (1)")
    release = threading.Timer(0.3, holder.execute, ("COMMIT",))
    release.start()
    try:
        conn = open_db(path, synchronous="NORMAL", schema=SCHEMA, version=SCHEMA_VERSION)
    finally:
        release.join()
        holder.close()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
