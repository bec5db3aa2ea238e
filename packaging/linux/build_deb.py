"""Turn the one-folder build into a .deb: the app under /opt, a menu entry, icons.

    python packaging/linux/build_deb.py --bundle dist/lila-desktop --out dist

Layout of the package:
    /opt/lila-desktop/                   the PyInstaller folder, as built
    /usr/bin/lila-desktop                -> ../../opt/lila-desktop/lila-desktop
    /usr/share/applications/lila-desktop.desktop
    /usr/share/icons/hicolor/*/apps/lila-desktop.{png,svg}
    /usr/share/doc/lila-desktop/copyright

No maintainer scripts: the menu and icon caches are refreshed by the dpkg
triggers of desktop-file-utils and the icon theme, and the user's data
(~/.local/share/lila-desktop, the keyring entry, an autostart entry made from
Settings) lives in the home folder, which a package never touches, not even
on purge.

`Depends` is computed from the bundle: for every library some bundled file
needs but the bundle does not carry (PyInstaller leaves glibc, GL/EGL, libxcb
and Wayland to the system), the Debian package that provides it here, plus
libc6 at the newest GLIBC symbol version any bundled file asks for.
Standard library only: it runs with any Python 3.11.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "lila-desktop"
HERE = Path(__file__).resolve().parent
ICONS = ROOT / "packaging" / "icons"
# The bundled libfontconfig reads the system's /etc/fonts (and that package
# pulls in a font); nothing links to it, so the scan below cannot see it.
EXTRA_DEPENDS = ("fontconfig-config",)
DESCRIPTION = """\
Keeps a small shop's WhatsApp numbers connected
 Lila Desktop keeps a shop's WhatsApp numbers connected for automated
 messaging, on the owner's own computer: live status for every number, the
 QR code right in the window, encrypted backups of every number's login with
 a Restore button, a tray icon that warns when a number needs attention, and
 a local HTTP API for the shop's other tools.
 .
 Self-contained: it needs no Python on the machine."""


class BuildError(Exception):
    """The package cannot be built; the message says what to do."""


def app_version() -> str:
    text = (ROOT / "lila_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not match:
        raise BuildError("no __version__ in lila_desktop/__init__.py")
    return match.group(1)


def deb_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed_libraries(path: Path) -> set[str]:
    """The DT_NEEDED entries of one ELF file (readelf, from binutils)."""
    out = subprocess.run(
        ["readelf", "-d", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


def glibc_floor(files: list[Path]) -> str:
    """The newest GLIBC_x.y symbol version referenced by any bundled file."""
    best = (2, 0)
    for path in files:
        for major, minor in re.findall(rb"GLIBC_(\d+)\.(\d+)", path.read_bytes()):
            best = max(best, (int(major), int(minor)))
    return f"{best[0]}.{best[1]}"


def system_library_paths() -> dict[str, str]:
    out = subprocess.run(["ldconfig", "-p"], check=True, capture_output=True, text=True).stdout
    paths: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        match = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        # The first entry per name is the native one (ldconfig lists x86-64 before i386).
        if match and match.group(1) not in paths:
            paths[match.group(1)] = match.group(3)
    return paths


def owning_package(path: str) -> str:
    for candidate in (path, os.path.realpath(path)):
        proc = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout.split(":", 1)[0].split(",")[0].strip()
    raise BuildError(f"no Debian package owns {path}")


def compute_depends(bundle: Path) -> list[str]:
    files = elf_files(bundle)
    carried = {p.name for p in bundle.rglob("*")}
    missing = set().union(*(needed_libraries(p) for p in files)) - carried
    system = system_library_paths()
    packages: set[str] = set()
    for name in sorted(missing):
        if name not in system:
            raise BuildError(
                f"{name} is needed by the bundle but not installed here; install the Debian "
                "package that provides it (see packaging/build_linux.sh) and build again"
            )
        packages.add(owning_package(system[name]))
    packages.discard("libc6")
    return [f"libc6 (>= {glibc_floor(files)})", *sorted(packages), *EXTRA_DEPENDS]


def normalise_modes(root: Path) -> None:
    """0755 for folders and executables, 0644 for the rest, whatever the umask was."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                continue
            executable = os.stat(path).st_mode & stat.S_IXUSR
            os.chmod(path, 0o755 if executable else 0o644)


def stage(bundle: Path, staging: Path, version: str, arch: str) -> None:
    app = staging / "opt" / PACKAGE
    shutil.copytree(bundle, app, symlinks=True)
    if not (app / PACKAGE).is_file():
        raise BuildError(f"{bundle} has no {PACKAGE} executable: build the bundle first")
    (staging / "usr" / "bin").mkdir(parents=True)
    (staging / "usr" / "bin" / PACKAGE).symlink_to(f"../../opt/{PACKAGE}/{PACKAGE}")
    apps = staging / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / f"{PACKAGE}.desktop", apps / f"{PACKAGE}.desktop")
    hicolor = staging / "usr" / "share" / "icons" / "hicolor"
    for png in sorted((ICONS / "hicolor").glob(f"*/apps/{PACKAGE}.png")):
        target = hicolor / png.relative_to(ICONS / "hicolor")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, target)
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(
        ROOT / "lila_desktop" / "resources" / "icons" / "app.svg", scalable / f"{PACKAGE}.svg"
    )
    doc = staging / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    shutil.copy2(HERE / "copyright", doc / "copyright")
    normalise_modes(staging)

    installed_kb = (
        sum(p.lstat().st_size for p in staging.rglob("*") if p.is_file() or p.is_symlink()) // 1024
    )
    control = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": arch,
        "Maintainer": os.environ.get(
            "DEB_MAINTAINER", "Lila Desktop <packaging@lila-desktop.invalid>"
        ),
        "Installed-Size": str(installed_kb),
        "Depends": ", ".join(compute_depends(app)),
        "Section": "net",
        "Priority": "optional",
        "Description": DESCRIPTION,
    }
    debian = staging / "DEBIAN"
    debian.mkdir(mode=0o755)
    text = "".join(f"{key}: {value}\n" for key, value in control.items())
    (debian / "control").write_text(text, encoding="utf-8")
    os.chmod(debian / "control", 0o644)


def build_deb(bundle: Path, out: Path, compression: str) -> Path:
    for tool in ("dpkg-deb", "readelf", "ldconfig"):
        if shutil.which(tool) is None and not Path("/sbin", tool).exists():
            raise BuildError(f"{tool} is missing: apt-get install dpkg binutils libc-bin")
    version, arch = app_version(), deb_arch()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="lila-deb-") as tmp:
        staging = Path(tmp) / "root"
        staging.mkdir(mode=0o755)
        stage(bundle.resolve(), staging, version, arch)
        subprocess.run(
            [
                "dpkg-deb",
                "--root-owner-group",
                f"-Z{compression}",
                "--build",
                str(staging),
                str(target),
            ],
            check=True,
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Lila Desktop .deb from the bundle.")
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--compression",
        choices=("xz", "zstd", "gzip"),
        default="xz",
        help="xz: smallest, any dpkg (default); "
        "zstd: ~30%% larger, seconds instead of a minute, needs dpkg >= 1.21.18 to install",
    )
    args = parser.parse_args(argv)
    try:
        print(build_deb(args.bundle, args.out, args.compression))
    except BuildError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
