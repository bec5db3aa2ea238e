"""Settings on disk and start-on-login adapters, on real files."""

from __future__ import annotations

import json
import os
import plistlib
import stat
from pathlib import Path

import pytest

from lila_desktop.core.settings import Settings
from lila_desktop.services.autostart import (
    LaunchAgentAutostart,
    NullAutostart,
    XdgAutostart,
    autostart_for_platform,
    launch_command,
)
from lila_desktop.services.settings_store import SettingsStore


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path).load() == Settings()


def test_save_then_load_round_trips_privately(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.save(Settings(keep_backups=12, language="es"))
    assert store.load() == Settings(keep_backups=12, language="es")
    assert json.loads(store.path.read_text())["keep_backups"] == 12
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["settings.json", "settings.last-good.json"]  # no temp file left


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"keep_backups": 500}'])
def test_a_bad_file_is_kept_aside_and_defaults_used(tmp_path: Path, content: bytes) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_bytes(content)
    assert store.load() == Settings()
    kept = [p for p in tmp_path.iterdir() if p.name.endswith(".damaged")]
    assert len(kept) == 1 and kept[0].read_bytes() == content


@pytest.mark.asyncio
async def test_async_variants(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    await store.asave(Settings(notifications=False))
    assert (await store.aload()).notifications is False


def test_xdg_autostart_entry(tmp_path: Path) -> None:
    auto = XdgAutostart(["/opt/lila dir/lila", "--data-dir", "/data/x"], config_home=tmp_path)
    assert not auto.is_enabled()
    auto.set_enabled(True)
    text = (tmp_path / "autostart" / "lila-desktop.desktop").read_text()
    assert 'Exec="/opt/lila dir/lila" --data-dir /data/x\n' in text
    assert auto.is_enabled()
    auto.set_enabled(False)
    auto.set_enabled(False)  # idempotent
    assert not auto.is_enabled()


def test_launch_agent_plist(tmp_path: Path) -> None:
    auto = LaunchAgentAutostart(["/Applications/Lila.app/Contents/MacOS/lila"], agents_dir=tmp_path)
    auto.set_enabled(True)
    plist = plistlib.loads((tmp_path / "com.lila.desktop.plist").read_bytes())
    assert plist["RunAtLoad"] is True
    assert plist["ProgramArguments"] == ["/Applications/Lila.app/Contents/MacOS/lila"]


def test_factory_and_null_fallback(tmp_path: Path) -> None:
    assert isinstance(autostart_for_platform(["x"], "linux"), XdgAutostart)
    assert isinstance(autostart_for_platform(["x"], "darwin"), LaunchAgentAutostart)
    null = autostart_for_platform(["x"], "sunos5")
    assert isinstance(null, NullAutostart) and not null.available and not null.is_enabled()
    with pytest.raises(OSError, match="not supported"):
        null.set_enabled(True)
    cmd = launch_command(tmp_path)
    assert cmd[-2:] == ["--data-dir", str(tmp_path)] and "lila_desktop" in cmd


def test_launch_command_survives_moves_on_macos(tmp_path: Path) -> None:
    translocated = (
        "/private/var/folders/x/AppTranslocation/1234/d/"
        "Lila Desktop.app/Contents/MacOS/lila-desktop"
    )
    cmd = launch_command(tmp_path, platform="darwin", executable=translocated, frozen=True)
    assert cmd == ["/usr/bin/open", "-b", "com.lila.desktop", "--args", "--data-dir", str(tmp_path)]
    assert launch_command(None, platform="darwin", executable=translocated, frozen=True) == [
        "/usr/bin/open",
        "-b",
        "com.lila.desktop",
    ]
    exe = r"C:\Users\a\AppData\Local\Programs\Lila Desktop\lila-desktop.exe"
    assert launch_command(None, platform="win32", executable=exe, frozen=True) == [exe]


def test_an_enabled_entry_follows_the_app_when_it_moves(tmp_path: Path) -> None:
    from lila_desktop.services.autostart import refresh

    XdgAutostart(["/old/place/lila-desktop"], config_home=tmp_path).set_enabled(True)
    moved = XdgAutostart(["/new/place/lila-desktop"], config_home=tmp_path)
    refresh(moved)
    assert "Exec=/new/place/lila-desktop" in moved.path.read_text()
    off = XdgAutostart(["/new/place/lila-desktop"], config_home=tmp_path / "off")
    refresh(off)
    assert not off.is_enabled(), "a disabled entry stays off"
