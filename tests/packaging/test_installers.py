"""The installer recipes that cannot run here, checked as far as tools allow.

- Windows: `makensis` compiles packaging/windows/lila-desktop.nsi (warnings
  are errors) into a real installer, and 7-Zip reads back what it would
  install: the program at the top of the install folder plus an uninstaller.
- macOS: the shell script passes shellcheck, the plists parse.
- Linux: the build script passes shellcheck, the desktop entry validates.
- Icons: the rasters are up to date with the SVG and have every size the
  platforms ask for.
- The installers and the app agree on the start-on-login names.
"""

from __future__ import annotations

import plistlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from lila_desktop.services import autostart
from tests.packaging.support import ROOT, require_tools

pytestmark = pytest.mark.packaging

PACKAGING = ROOT / "packaging"
NSI = PACKAGING / "windows" / "lila-desktop.nsi"


def test_windows_installer_compiles(tmp_path: Path) -> None:
    require_tools("makensis", "7zz")
    dist = tmp_path / "dist" / "lila-desktop"
    (dist / "_internal" / "PySide6").mkdir(parents=True)
    (dist / "lila-desktop.exe").write_bytes(b"MZ stand-in for the PyInstaller executable")
    (dist / "_internal" / "PySide6" / "QtCore.pyd").write_bytes(b"stand-in")
    setup = tmp_path / "lila-desktop-0.1.0-setup.exe"
    proc = subprocess.run(
        ["makensis", "-WX", "-V2", "-DVERSION=0.1.0", f"-DDIST_DIR={dist}", f"-DOUTFILE={setup}",
         str(NSI)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert setup.read_bytes()[:2] == b"MZ"
    listing = subprocess.run(
        ["7zz", "l", "-slt", str(setup)], capture_output=True, text=True, timeout=60
    ).stdout
    paths = set(re.findall(r"^Path = (.+)$", listing, re.M))
    assert {"lila-desktop.exe", "_internal/PySide6/QtCore.pyd", "uninstall.exe"} <= paths, paths


def test_windows_installer_needs_a_version(tmp_path: Path) -> None:
    require_tools("makensis")
    proc = subprocess.run(
        ["makensis", "-V1", f"-DOUTFILE={tmp_path / 'x-setup.exe'}", str(NSI)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "Pass the version" in proc.stdout + proc.stderr


def test_installers_and_app_agree_on_start_on_login() -> None:
    nsi = NSI.read_text(encoding="utf-8")
    assert f'!define APP_ID "{autostart.APP_ID}"' in nsi
    assert f'!define RUN_KEY "{autostart.WINDOWS_RUN_KEY}"' in nsi
    with (PACKAGING / "macos" / "Info.plist").open("rb") as fh:
        assert plistlib.load(fh)["CFBundleIdentifier"] == autostart.MAC_LABEL
    desktop = (ROOT / "resources" / "lila-desktop.desktop").read_text(encoding="utf-8")
    assert "Icon=lila-desktop\n" in desktop  # the icon name the autostart entry uses too


def test_build_scripts_pass_shellcheck() -> None:
    require_tools("shellcheck")
    scripts = [PACKAGING / "build_linux.sh", PACKAGING / "macos" / "build_macos.sh"]
    proc = subprocess.run(
        ["shellcheck", "-x", *map(str, scripts)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_macos_plists_parse() -> None:
    for name in ("Info.plist", "entitlements.plist"):
        with (PACKAGING / "macos" / name).open("rb") as fh:
            assert isinstance(plistlib.load(fh), dict)


def test_desktop_entry_validates() -> None:
    require_tools("desktop-file-validate")
    proc = subprocess.run(
        ["desktop-file-validate", str(ROOT / "resources" / "lila-desktop.desktop")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_windows_batch_file_keeps_crlf() -> None:
    data = (PACKAGING / "windows" / "build_windows.cmd").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 10


def test_icon_rasters_match_the_svg() -> None:
    proc = subprocess.run(
        [sys.executable, str(PACKAGING / "icons" / "make_icons.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_icon_rasters_have_every_platform_size() -> None:
    icons = PACKAGING / "icons"
    for folder in sorted((icons / "hicolor").iterdir()):
        size = int(folder.name.split("x")[0])
        with Image.open(folder / "apps" / "lila-desktop.png") as png:
            assert png.size == (size, size)
    assert {16, 22, 24, 32, 48, 64, 128, 256, 512} <= {
        int(f.name.split("x")[0]) for f in (icons / "hicolor").iterdir()
    }
    with Image.open(icons / "lila-desktop.ico") as ico:
        assert {(16, 16), (24, 24), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(icons / "lila-desktop.icns") as icns:
        sizes = set(icns.info["sizes"])
    assert {(16, 16, 2), (32, 32, 2), (128, 128, 1), (256, 256, 1), (512, 512, 2)} <= sizes


def test_windows_installer_refuses_while_the_app_runs_and_carries_its_version(
    tmp_path: Path,
) -> None:
    """Both the install and the uninstall section check first that no running copy
    holds the exe (Windows lets nobody open a running exe for writing), before any
    file is removed or replaced; the setup's version resource is read back."""
    import pefile

    nsi = NSI.read_text(encoding="utf-8")
    install = nsi[nsi.index('Section "!$(SecAppName)"') :]
    uninstall = nsi[nsi.index('Section "Uninstall"') :]
    for section, first_change in ((install, "RMDir /r"), (uninstall, "Delete ")):
        assert section.index("!insertmacro REFUSE_WHILE_RUNNING") < section.index(first_change)
    macro = nsi[nsi.index("!macro REFUSE_WHILE_RUNNING") : nsi.index("!macroend")]
    assert 'FileOpen $R0 "$INSTDIR\\${EXE}" a' in macro and "SetErrorLevel 2" in macro
    assert "/SD IDCANCEL" in macro  # a silent run never waits for a click

    require_tools("makensis")
    dist = tmp_path / "dist" / "lila-desktop"
    (dist / "_internal").mkdir(parents=True)
    (dist / "lila-desktop.exe").write_bytes(b"MZ stand-in")
    (dist / "_internal" / "base_library.zip").write_bytes(b"stand-in")
    setup = tmp_path / "lila-desktop-1.4.2-setup.exe"
    proc = subprocess.run(
        ["makensis", "-WX", "-V2", "-DVERSION=1.4.2", f"-DDIST_DIR={dist}", f"-DOUTFILE={setup}",
         str(NSI)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pe = pefile.PE(str(setup), fast_load=True)
    pe.parse_data_directories([pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]])
    strings = {
        key.decode(): value.decode()
        for info in pe.FileInfo[0]
        if info.Key == b"StringFileInfo"
        for table in info.StringTable
        for key, value in table.entries.items()
    }
    assert strings["ProductName"] == "Lila Desktop" and strings["ProductVersion"] == "1.4.2"
    pe.close()
