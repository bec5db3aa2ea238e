"""Windows refuses to replace or delete a file another process holds open; neonize
leaks one handle on the live store per connect (hazard 6), so a stopped session's
engine still holds it. Restore/reset/remove must release those handles (recycle the
engine) instead of failing with WinError 32.

Linux lets a rename over an open file succeed, so the Windows rule is modelled at
the one seam the vault uses (os.replace / os.unlink): a live file cannot be
replaced or deleted while the engine process that opened it is alive.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lila_desktop.core.status import Status
from lila_desktop.services import store_schema
from lila_desktop.services.vault import StoreInUse, atomic
from lila_desktop.services.vault.atomic import FileInUse, retry_in_use
from tests.conftest import PoolHarness

PHONE = "51902049935"


def _sharing_violation(path: object) -> PermissionError:
    exc = PermissionError(13, "The process cannot access the file because it is being used")
    exc.filename = str(path)
    exc.winerror = 32  # type: ignore[attr-defined]
    return exc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _windows_rules(monkeypatch: pytest.MonkeyPatch, live: Path, holder: int) -> list[str]:
    """os.replace/os.unlink as Windows behaves while `holder` has `live` open."""
    refused: list[str] = []
    real_replace, real_unlink = os.replace, os.unlink

    def held(path: object) -> bool:
        return Path(str(path)) == live and _alive(holder)

    def replace(src: object, dst: object, **kw: object) -> None:
        if held(dst) or held(src):
            refused.append("replace")
            raise _sharing_violation(dst)
        real_replace(src, dst, **kw)  # type: ignore[arg-type]

    def unlink(path: object, **kw: object) -> None:
        if held(path):
            refused.append("unlink")
            raise _sharing_violation(path)
        real_unlink(path, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic, "IN_USE_WAIT_S", 0.2)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "unlink", unlink)
    return refused


@pytest.mark.asyncio
async def test_restore_releases_the_engines_handles_then_replaces(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = harness.pool
    await harness.link(PHONE)
    live = pool.vault.live_path(PHONE)
    jid = store_schema.device_jid(live)
    await pool.simulate(PHONE, "logout", {"code": 401})  # whatsmeow wipes the device
    await harness.wait_status(PHONE, "logged_out")
    holder = pool.engine.pid
    assert holder is not None
    refused = _windows_rules(monkeypatch, live, holder)
    outcome = await pool.restore(PHONE)
    assert refused, "the model refused at least one replace while the engine held the file"
    assert pool.engine.recycles == 1 and pool.engine.pid != holder
    assert outcome.accepted and outcome.status is Status.CONNECTED
    assert store_schema.device_jid(live) == jid


@pytest.mark.asyncio
async def test_without_a_release_the_owner_gets_a_clear_message(
    harness: PoolHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = harness.pool
    await harness.link(PHONE)
    pool.vault.release_handles = None
    assert pool.engine.pid is not None
    _windows_rules(monkeypatch, pool.vault.live_path(PHONE), pool.engine.pid)
    with pytest.raises(StoreInUse, match="Close other copies of Lila Desktop"):
        await pool.restore(PHONE)
    assert pool.engine.recycles == 0


def test_a_brief_hold_is_waited_out(tmp_path: Path) -> None:
    calls = []

    def op() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _sharing_violation(tmp_path)
        return "done"

    assert retry_in_use(op, tmp_path) == "done"
    with pytest.raises(FileInUse):
        retry_in_use(lambda: (_ for _ in ()).throw(_sharing_violation(tmp_path)), tmp_path, 0.1)


def test_a_posix_permission_error_is_not_retried(tmp_path: Path) -> None:
    calls = []

    def op() -> None:
        calls.append(1)
        raise PermissionError(13, "denied")

    with pytest.raises(PermissionError) as err:
        retry_in_use(op, tmp_path)
    assert not isinstance(err.value, FileInUse) and len(calls) == 1
