"""A smaller ICU data library for the Linux bundle (PySide6's libicudata.so.73: 30.6 MB).

Qt links ICU for four services only (`nm -D --undefined-only` on every Qt
library and plugin in the bundle): collation (ucol_*), character-set
conversion (ucnv_*), time-zone names (ucal_getTimeZoneDisplayName and
canonical IDs) and locale case mapping (u_strToUpper/Lower, whose data is
compiled into libicuuc). It never calls break iteration, transliteration or
number spelling, and the app speaks English and Spanish. So the data keeps
every item that is not a locale (pools, indexes, supplemental data, time-zone
rules, the collation root) and, of the locale items, root, English and
Spanish in every tree; it drops the other languages' locale items, the break
iterator tree with its dictionaries, transliteration, rule-based number
formats and the legacy code-page tables (UTF-8/16/32, Latin-1 and ASCII are
algorithmic in ICU; windows-1252 and ISO-8859-15 stay).

Debian's icu-devtools rebuild it: the package is cut out of the library's one
symbol (icudtNN_dat), `icupkg` removes the items, `genccode` writes it back as
assembly under the same symbol, and gcc links a library with the same soname.
The frozen smoke test checks Qt loads it and Spanish collation and time-zone
names still work (tests/packaging/test_frozen.py).

    python packaging/linux/icu_data.py LIBICUDATA OUT_DIR   # prints the new library's path
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

LANGUAGES = ("en", "es")
# Trees Qt never reads: break iteration (no ubrk_*), transliteration (no utrans_*),
# rule-based number formats (no unum_*/urbnf).
UNUSED_TREES = ("brkitr/", "translit/", "rbnf/")
KEPT_CODEPAGES = ("ibm-5348_P100-1997.cnv", "ibm-923_P100-1998.cnv")  # windows-1252, 8859-15
TOOLS = ("readelf", "icupkg", "genccode", "gcc")
HINT = "apt-get install icu-devtools gcc binutils"


class IcuTrimError(RuntimeError):
    pass


def _run(*args: str) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise IcuTrimError(f"{' '.join(args)} failed: {proc.stdout}{proc.stderr}")
    return proc.stdout


def data_package(library: Path) -> tuple[str, bytes]:
    """(symbol stem, bytes) of the ICU data package the library carries, e.g. ("icudt73", ...)."""
    symbols = _run("readelf", "--dyn-syms", "-W", str(library))
    found = re.search(
        r":\s*([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s.*\s(icudt\d+)_dat$", symbols, re.M
    )
    if not found:
        raise IcuTrimError(f"no icudtNN_dat symbol in {library}")
    address, size, stem = int(found.group(1), 16), int(found.group(2), 0), found.group(3)
    sections = _run("readelf", "-S", "-W", str(library))
    for line in sections.splitlines():
        parts = re.sub(r"^\s*\[\s*\d+\]\s*", "", line).split()
        if len(parts) >= 5 and parts[1] == "PROGBITS":
            start, offset, length = int(parts[2], 16), int(parts[3], 16), int(parts[4], 16)
            if start <= address and address + size <= start + length:
                with library.open("rb") as fh:
                    fh.seek(offset + address - start)
                    return stem, fh.read(size)
    raise IcuTrimError(f"{stem}_dat of {library} lies in no PROGBITS section")


def is_unused(item: str, languages: set[str]) -> bool:
    """Whether Qt, speaking English or Spanish, never reads this package item."""
    if item.startswith(UNUSED_TREES):
        return True
    if item.endswith(".cnv"):
        return item not in KEPT_CODEPAGES
    name = item.rsplit("/", 1)[-1]
    if not name.endswith(".res"):
        return False
    language = name[: -len(".res")].split("_", 1)[0]
    # A locale item of another language (de.res, coll/zh.res, zone/pt_BR.res, ...).
    return language in languages and language not in LANGUAGES


def trim(library: Path, out_dir: Path) -> Path:
    """Writes out_dir/<library's name>, the trimmed library, and returns its path."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise IcuTrimError(f"missing {', '.join(missing)} to trim ICU's data: {HINT}")
    stem, package = data_package(library)
    name = f"{stem}{'l' if sys.byteorder == 'little' else 'b'}"
    out_dir.mkdir(parents=True, exist_ok=True)
    full, small = out_dir / "full" / f"{name}.dat", out_dir / f"{name}.dat"
    full.parent.mkdir(exist_ok=True)
    full.write_bytes(package)
    items = _run("icupkg", "-l", str(full)).split()
    # Every top-level two- or three-letter locale names a language ICU has data for.
    languages = {m.group(1) for i in items if (m := re.fullmatch(r"([a-z]{2,3})\.res", i))}
    if not {"root.res", "coll/ucadata.icu", "zoneinfo64.res"} <= set(items) or not languages:
        raise IcuTrimError(f"{library} does not look like ICU's data: {items[:10]}")
    dropped = [i for i in items if is_unused(i, languages)]
    listing = out_dir / "removed.txt"
    listing.write_text("".join(f"{i}\n" for i in dropped))
    _run("icupkg", "-r", str(listing), str(full), str(small))
    _run("genccode", "-q", "-a", "gcc", "-e", stem, "-d", str(out_dir), str(small))
    [assembly] = out_dir.glob(f"{name}*.S")
    target = out_dir / library.name
    _run(
        "gcc",
        "-shared",
        "-nostdlib",
        f"-Wl,-soname,{library.name}",
        "-o",
        str(target),
        str(assembly),
    )
    kept_stem, kept = data_package(target)
    if kept_stem != stem or kept[:16] != package[:16]:
        raise IcuTrimError(f"the rebuilt {target} does not carry {stem}_dat as the original")
    return target


if __name__ == "__main__":
    print(trim(Path(sys.argv[1]), Path(sys.argv[2])))
