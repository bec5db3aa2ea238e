"""The minimum macOS a bundle needs, read from its Mach-O binaries.

Every Mach-O file records the oldest macOS it runs on: `LC_BUILD_VERSION`
(platform macOS, `minos`) in binaries built with Xcode 10 and later, or
`LC_VERSION_MIN_MACOSX` in older ones. The app runs only where *all* its
binaries run, so the bundle's `LSMinimumSystemVersion` is the highest of
them (per architecture). Hand-writing it went wrong once: Info.plist said
12.0 while PySide6 6.10+ needs macOS 13.

Pure Python (struct), so it runs on the Linux build machine against wheels
too. `python packaging/macos/macho.py PATH...` prints the result; the spec
uses `bundle_minimum()`.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FAT_MAGIC = 0xCAFEBABE
FAT_MAGIC_64 = 0xCAFEBABF
MH_MAGIC = 0xFEEDFACE
MH_MAGIC_64 = 0xFEEDFACF
LC_VERSION_MIN_MACOSX = 0x24
LC_BUILD_VERSION = 0x32
PLATFORM_MACOS = 1
CPU_NAMES = {0x01000007: "x86_64", 0x0100000C: "arm64", 7: "i386", 0x0200000C: "arm64_32"}
MAX_FAT_ARCHES = 16  # Java class files share 0xCAFEBABE; their "count" is a version >= 45

Version = tuple[int, int, int]


class NotMachO(ValueError):
    pass


@dataclass(frozen=True)
class Slice:
    arch: str
    minimum: Version | None  # None: the binary names no minimum macOS


def decode_version(packed: int) -> Version:
    """xxxx.yy.zz nibbles: 0x000D0100 is 13.1.0."""
    return packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF


def format_version(version: Version) -> str:
    major, minor, patch = version
    return f"{major}.{minor}" + (f".{patch}" if patch else "")


def read_slices(data: bytes) -> list[Slice]:
    """Each architecture of a thin or universal (fat) Mach-O file."""
    if len(data) < 8:
        raise NotMachO("too short")
    (magic,) = struct.unpack_from(">I", data, 0)
    if magic in (FAT_MAGIC, FAT_MAGIC_64):
        (count,) = struct.unpack_from(">I", data, 4)
        if not 0 < count <= MAX_FAT_ARCHES:
            raise NotMachO("not a universal binary")
        slices = []
        for i in range(count):
            if magic == FAT_MAGIC:
                _cpu, _sub, offset, size, _align = struct.unpack_from(">5I", data, 8 + 20 * i)
            else:
                _cpu, _sub, offset, size, _align, _res = struct.unpack_from(
                    ">IIQQII", data, 8 + 32 * i
                )
            slices.append(_thin(data[offset : offset + size]))
        return slices
    return [_thin(data)]


def _thin(data: bytes) -> Slice:
    for endian in ("<", ">"):
        (magic,) = struct.unpack_from(endian + "I", data, 0)
        if magic in (MH_MAGIC, MH_MAGIC_64):
            break
    else:
        raise NotMachO("no Mach-O magic")
    cpu, _sub, _type, ncmds, _size, _flags = struct.unpack_from(endian + "6I", data, 4)
    offset = 32 if magic == MH_MAGIC_64 else 28
    minimum: Version | None = None
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from(endian + "2I", data, offset)
        if cmd == LC_BUILD_VERSION:
            platform, minos = struct.unpack_from(endian + "2I", data, offset + 8)
            if platform == PLATFORM_MACOS:
                minimum = decode_version(minos)
        elif cmd == LC_VERSION_MIN_MACOSX:
            (version,) = struct.unpack_from(endian + "I", data, offset + 8)
            minimum = decode_version(version)
        if cmdsize < 8:
            raise NotMachO("a load command shorter than its header")
        offset += cmdsize
    return Slice(CPU_NAMES.get(cpu, hex(cpu)), minimum)


def looks_like_macho(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return len(head) == 4 and (
        struct.unpack(">I", head)[0] in (FAT_MAGIC, FAT_MAGIC_64, MH_MAGIC, MH_MAGIC_64)
        or struct.unpack("<I", head)[0] in (MH_MAGIC, MH_MAGIC_64)
    )


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for folder, _dirs, files in os.walk(path):
                for name in files:
                    full = Path(folder) / name
                    if not full.is_symlink() and looks_like_macho(full):
                        yield full
        elif looks_like_macho(path):
            yield path


def bundle_minimum(paths: Iterable[Path], arch: str) -> tuple[Version, Path]:
    """The highest minimum macOS among the `arch` slices of every Mach-O file,
    and the file that sets it. SystemExit if none names one."""
    best: tuple[Version, Path] | None = None
    for path in walk(paths):
        try:
            slices = read_slices(path.read_bytes())
        except (NotMachO, struct.error):
            continue
        for piece in slices:
            if piece.arch != arch or piece.minimum is None:
                continue
            if best is None or piece.minimum > best[0]:
                best = (piece.minimum, path)
    if best is None:
        raise SystemExit(f"no {arch} Mach-O binary with a minimum macOS version found")
    return best


def bundle_info_plist(
    template: Path, version: str, binaries: Iterable[Path], arch: str
) -> tuple[dict[str, object], Path]:
    """The app's Info.plist: the template (packaging/macos/Info.plist) with the app
    version and the computed LSMinimumSystemVersion; also returns the binary that
    sets the minimum. The template must not name one itself."""
    import plistlib

    with template.open("rb") as fh:
        info: dict[str, object] = plistlib.load(fh)
    if "LSMinimumSystemVersion" in info:
        raise SystemExit(f"{template} hand-writes LSMinimumSystemVersion; it is computed")
    minimum, culprit = bundle_minimum(binaries, arch)
    info["CFBundleShortVersionString"] = info["CFBundleVersion"] = version
    info["LSMinimumSystemVersion"] = format_version(minimum)
    return info, culprit


def main(argv: list[str]) -> int:
    arch = os.uname().machine if hasattr(os, "uname") else "arm64"
    if argv[:1] == ["--arch"]:
        arch, argv = argv[1], argv[2:]
    version, path = bundle_minimum(map(Path, argv), arch)
    print(f"{format_version(version)}\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
