"""Windows and macOS checked from here, as far as a Linux machine can.

- Every runtime and build dependency resolves to binary wheels for
  win_amd64, macOS arm64 and macOS x86_64 (Python 3.11): a release build on
  those machines would otherwise compile from source or fail.
- The bundle's minimum macOS is computed from its Mach-O binaries
  (packaging/macos/macho.py), tested on synthetic headers and on real wheels.
- The Windows version resource is a valid PyInstaller version file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import plistlib
import re
import struct
import subprocess
import sys
import tomllib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

from tests.packaging.support import ROOT

PACKAGING = ROOT / "packaging"
PYTHON = "3.11"
MACOS_MINIMUM = "13_0"  # the oldest macOS the bundle runs on (computed: PySide6 6.10+)
PLATFORMS = {
    "windows": ["win_amd64"],
    "macos-arm64": [f"macosx_{MACOS_MINIMUM}_arm64"],
    "macos-x86_64": [f"macosx_{MACOS_MINIMUM}_x86_64"],
}
WINDOWS_ONLY = ["python-magic-bin==0.4.14"]  # libmagic's DLL (build_windows.cmd)


def _load(relative: str) -> ModuleType:
    path = PACKAGING / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


macho = _load("macos/macho.py")


def _cache_dir() -> Path:
    """Beside the venv (scripts/with-keyring.sh gives every run a fresh XDG cache):
    pip's HTTP cache of package metadata (~10 MB) and two 130 kB wheels."""
    return Path(sys.prefix) / "lila-test-cache"


def _pip_env() -> dict[str, str]:
    return {**os.environ, "PIP_CACHE_DIR": str(_cache_dir() / "pip")}


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["packaging"]]


def _resolve(platforms: list[str], extra: list[str], report: Path) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
            "--quiet", "--disable-pip-version-check", "--report", str(report),
            "--only-binary=:all:", "--python-version", PYTHON, "--implementation", "cp",
            "--target", str(report.parent / "target")]  # fmt: skip
    for platform in platforms:
        args += ["--platform", platform]
    return subprocess.run(
        [*args, *_requirements(), *extra],
        capture_output=True,
        text=True,
        timeout=240,
        env=_pip_env(),
    )


@pytest.mark.pypi
def test_every_dependency_has_wheels_for_windows_and_both_macs(tmp_path: Path) -> None:
    """Binary wheels only, resolved by pip as the release machines would (~55 packages
    per platform, the three in parallel: ~35 s with a cold cache, ~20 s warm)."""
    jobs = {}
    with ThreadPoolExecutor(len(PLATFORMS)) as pool:
        for name, platforms in PLATFORMS.items():
            (tmp_path / name).mkdir()
            extra = WINDOWS_ONLY if name == "windows" else []
            jobs[name] = pool.submit(_resolve, platforms, extra, tmp_path / name / "report.json")
    failures = {n: j.result() for n, j in jobs.items() if j.result().returncode != 0}
    assert not failures, "\n".join(
        f"{name}: no complete set of binary wheels:\n{proc.stderr[-3000:]}"
        for name, proc in failures.items()
    )
    for name in PLATFORMS:
        report = json.loads((tmp_path / name / "report.json").read_text())
        wheels = {
            re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower(): i["download_info"]["url"]
            for i in report["install"]
        }
        assert all(url.endswith(".whl") for url in wheels.values())
        for native in ("pyside6-essentials", "neonize", "cryptography", "psutil"):
            assert native in wheels, f"{name}: {native} missing from the resolution"
        tag = "win_amd64" if name == "windows" else name.split("-")[1]
        assert tag in wheels["neonize"] or "universal2" in wheels["neonize"], wheels["neonize"]


# --- Mach-O ---------------------------------------------------------------------------


def _thin(cpu: int, commands: list[tuple[int, bytes]]) -> bytes:
    body = b"".join(struct.pack("<II", cmd, 8 + len(data)) + data for cmd, data in commands)
    header = struct.pack("<8I", macho.MH_MAGIC_64, cpu, 3, 6, len(commands), len(body), 0, 0)
    return header + body


def _build_version(minos: str) -> tuple[int, bytes]:
    major, minor = map(int, minos.split("."))
    return macho.LC_BUILD_VERSION, struct.pack("<4I", 1, major << 16 | minor << 8, 14 << 16, 0)


def _version_min(version: str) -> tuple[int, bytes]:
    major, minor = map(int, version.split("."))
    return macho.LC_VERSION_MIN_MACOSX, struct.pack("<2I", major << 16 | minor << 8, 0)


def _fat(*slices: tuple[int, bytes]) -> bytes:
    header = struct.pack(">II", macho.FAT_MAGIC, len(slices))
    offset, table, blobs = 4096, b"", b""
    for cpu, blob in slices:
        table += struct.pack(">5I", cpu, 0, offset + len(blobs), len(blob), 12)
        blobs += blob
    return (header + table).ljust(offset, b"\0") + blobs


ARM64, X86_64 = 0x0100000C, 0x01000007


def test_synthetic_headers_of_both_kinds_and_a_universal_binary(tmp_path: Path) -> None:
    new = _thin(ARM64, [(0x19, b"\0" * 64), _build_version("13.0")])
    old = _thin(X86_64, [_version_min("10.9")])
    assert macho.read_slices(new) == [macho.Slice("arm64", (13, 0, 0))]
    assert macho.read_slices(old) == [macho.Slice("x86_64", (10, 9, 0))]
    fat = _fat((X86_64, _thin(X86_64, [_build_version("12.0")])), (ARM64, new))
    assert [(s.arch, s.minimum) for s in macho.read_slices(fat)] == [
        ("x86_64", (12, 0, 0)),
        ("arm64", (13, 0, 0)),
    ]
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "QtCore").write_bytes(fat)
    (tmp_path / "lib" / "old.so").write_bytes(_thin(ARM64, [_build_version("11.0")]))
    (tmp_path / "App.class").write_bytes(struct.pack(">II", 0xCAFEBABE, 61) + b"\0" * 64)
    (tmp_path / "readme.txt").write_text("not a binary")
    assert macho.bundle_minimum([tmp_path], "arm64") == ((13, 0, 0), tmp_path / "lib" / "QtCore")
    assert macho.bundle_minimum([tmp_path], "x86_64")[0] == (12, 0, 0)
    with pytest.raises(SystemExit, match="no i386"):
        macho.bundle_minimum([tmp_path], "i386")


@pytest.mark.parametrize(
    ("platform", "arch"),
    [("macosx_11_0_arm64", "arm64"), ("macosx_10_9_x86_64", "x86_64")],
)
def test_real_wheels_agree_with_their_platform_tag(platform: str, arch: str) -> None:
    """psutil's macOS wheels (130 kB, cached): cibuildwheel derives each wheel's tag
    from its binaries, so the reader must find the same version (one wheel uses
    LC_BUILD_VERSION, the older x86_64 one LC_VERSION_MIN_MACOSX)."""
    cache = _cache_dir() / "wheels" / platform
    wheel = next(cache.glob("psutil-*.whl"), None) if cache.is_dir() else None
    if wheel is None:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--disable-pip-version-check", "--only-binary=:all:", "--platform", platform,
             "--python-version", PYTHON, "psutil==7.2.2", "-d", str(cache)],
            capture_output=True, text=True, timeout=120, env=_pip_env(),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        wheel = next(cache.glob("psutil-*.whl"))
    tag = re.search(r"macosx_(\d+)_(\d+)_", wheel.name)
    assert tag is not None
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".so"))
        slices = macho.read_slices(zf.read(name))
    assert [s.arch for s in slices] == [arch]
    assert slices[0].minimum == (int(tag[1]), int(tag[2]), 0)


def test_the_info_plist_is_generated_with_the_computed_minimum(tmp_path: Path) -> None:
    """What the spec does on a Mac, on synthetic binaries: the template names no
    minimum, the generated plist carries the highest one of the bundle."""
    (tmp_path / "QtCore").write_bytes(_thin(ARM64, [_build_version("13.0")]))
    (tmp_path / "neonize.dylib").write_bytes(_thin(ARM64, [_build_version("12.0")]))
    template = PACKAGING / "macos" / "Info.plist"
    info, culprit = macho.bundle_info_plist(template, "1.4.2", [tmp_path], "arm64")
    assert info["LSMinimumSystemVersion"] == "13.0" and culprit.name == "QtCore"
    assert info["CFBundleVersion"] == info["CFBundleShortVersionString"] == "1.4.2"
    assert info["CFBundleIdentifier"] == "com.lila.desktop"
    assert "LSBackgroundOnly" not in info and "LSUIElement" not in info
    handwritten = tmp_path / "Info.plist"
    handwritten.write_bytes(plistlib.dumps({"LSMinimumSystemVersion": "12.0"}))
    with pytest.raises(SystemExit, match="computed"):
        macho.bundle_info_plist(handwritten, "1.4.2", [tmp_path], "arm64")
    spec = (PACKAGING / "lila-desktop.spec").read_text(encoding="utf-8")
    assert "macho.bundle_info_plist(" in spec
    assert 'console=sys.platform.startswith("linux")' in spec  # never True on macOS


# --- Windows version resource ------------------------------------------------------------


def test_windows_version_file_is_what_pyinstaller_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    from PyInstaller import compat

    # versioninfo imports pywin32's win32api for writing into an exe (Windows only);
    # parsing and serializing the structure is plain Python.
    monkeypatch.setattr(compat, "win32api", None, raising=False)
    from PyInstaller.utils.win32 import versioninfo

    version_info = _load("windows/version_info.py")
    assert version_info.four_numbers("0.2.0rc1") == (0, 2, 0, 0)
    text = version_info.version_file_text("1.4.2")
    info = eval(text, vars(versioninfo))  # what load_version_info_from_text_file does
    assert isinstance(info, versioninfo.VSVersionInfo)
    raw = info.toRaw()
    for value in ("Lila Desktop", "1.4.2", "lila-desktop.exe", "Lila"):
        assert value.encode("utf-16-le") in raw
    assert info.ffi.fileVersionMS == (1 << 16) | 4 and info.ffi.fileVersionLS == 2 << 16
