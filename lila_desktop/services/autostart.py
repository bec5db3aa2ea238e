"""Start on login: one small adapter per platform, chosen by a factory (Vorta style).

Linux: an XDG autostart entry `~/.config/autostart/lila-desktop.desktop`.
Windows: a value under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run.
macOS: a LaunchAgent plist in ~/Library/LaunchAgents.
Anywhere else (or if the platform piece is missing) a null adapter that says
it is unavailable, so Settings can grey the option out instead of lying.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import plistlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from lila_desktop.services.vault.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)

APP_ID = "lila-desktop"
MAC_LABEL = "com.lila.desktop"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class Autostart(Protocol):
    @property
    def available(self) -> bool: ...

    def is_enabled(self) -> bool: ...

    def set_enabled(self, enabled: bool) -> None: ...


def launch_command(
    data_dir: Path | None = None,
    *,
    platform: str = sys.platform,
    executable: str = sys.executable,
    frozen: bool | None = None,
) -> list[str]:
    """How to start this app again, by a path that survives moves.

    macOS: an app is moved around (and run from a random read-only copy under
    App Translocation until it is in /Applications), so the LaunchAgent asks
    LaunchServices for the app by its bundle id instead of naming a path.
    Windows and Linux: the frozen executable (the installers put it at a fixed
    place; `refresh` rewrites an enabled entry whenever the app starts from
    elsewhere), or this Python with -m."""
    frozen = getattr(sys, "frozen", False) if frozen is None else frozen
    extra = ["--data-dir", str(data_dir)] if data_dir is not None else []
    if frozen and platform == "darwin" and ".app/Contents/MacOS/" in executable:
        return ["/usr/bin/open", "-b", MAC_LABEL, *(["--args", *extra] if extra else [])]
    cmd = [executable] if frozen else [executable, "-m", "lila_desktop"]
    return cmd + extra


def refresh(autostart: Autostart) -> None:
    """An enabled entry is rewritten with this run's command (the app may have moved)."""
    try:
        if autostart.available and autostart.is_enabled():
            autostart.set_enabled(True)
    except OSError as exc:
        logger.warning("could not update the start-on-login entry: %s", exc)


class NullAutostart:
    available = False

    def is_enabled(self) -> bool:
        return False

    def set_enabled(self, enabled: bool) -> None:
        if enabled:
            raise OSError("Starting on login is not supported on this system.")


class XdgAutostart:
    """`$XDG_CONFIG_HOME/autostart/lila-desktop.desktop` (freedesktop autostart spec)."""

    available = True

    def __init__(self, command: Sequence[str], config_home: Path | None = None) -> None:
        home = config_home or Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.path = home / "autostart" / f"{APP_ID}.desktop"
        self._command = list(command)

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def set_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.path.unlink(missing_ok=True)
            return
        exec_line = " ".join(_desktop_quote(arg) for arg in self._command)
        text = (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=Lila Desktop\n"
            "Comment=Keeps your shop's WhatsApp numbers connected\n"
            f"Exec={exec_line}\n"
            "Icon=lila-desktop\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, text.encode("utf-8"))


def _desktop_quote(arg: str) -> str:
    # The Exec key's own quoting: double quotes, with ", `, $ and \ escaped.
    if arg and all(c.isalnum() or c in "-_./=:" for c in arg):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


class LaunchAgentAutostart:
    """~/Library/LaunchAgents/com.lila.desktop.plist with RunAtLoad."""

    available = True

    def __init__(self, command: Sequence[str], agents_dir: Path | None = None) -> None:
        self.path = (agents_dir or Path.home() / "Library" / "LaunchAgents") / f"{MAC_LABEL}.plist"
        self._command = list(command)

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def set_enabled(self, enabled: bool) -> None:
        if not enabled:
            self.path.unlink(missing_ok=True)
            return
        plist = {
            "Label": MAC_LABEL,
            "ProgramArguments": self._command,
            "RunAtLoad": True,
            "LimitLoadToSessionType": "Aqua",  # a login with a desktop, not ssh
            "ProcessType": "Interactive",
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, plistlib.dumps(plist))


class WindowsRunKeyAutostart:  # pragma: no cover - Windows only
    available = True

    def __init__(self, command: Sequence[str]) -> None:
        self._value = _windows_join(command)

    def is_enabled(self) -> bool:
        winreg = importlib.import_module("winreg")
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                winreg.QueryValueEx(key, APP_ID)
        except OSError:
            return False
        return True

    def set_enabled(self, enabled: bool) -> None:
        winreg = importlib.import_module("winreg")
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
            if enabled:
                winreg.SetValueEx(key, APP_ID, 0, winreg.REG_SZ, self._value)
            else:
                with contextlib.suppress(FileNotFoundError):
                    winreg.DeleteValue(key, APP_ID)


def _windows_join(command: Sequence[str]) -> str:
    import subprocess

    return subprocess.list2cmdline(list(command))


def autostart_for_platform(command: Sequence[str], platform: str = sys.platform) -> Autostart:
    """The adapter for this OS; the null one where there is none."""
    try:
        if platform == "win32":
            return WindowsRunKeyAutostart(command)
        if platform == "darwin":
            return LaunchAgentAutostart(command)
        if platform.startswith(("linux", "freebsd", "openbsd")):
            return XdgAutostart(command)
    except Exception as exc:  # a broken platform piece must not stop the app
        logger.warning("start on login unavailable: %s", exc)
    return NullAutostart()
