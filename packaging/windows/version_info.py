"""The Windows version resource of lila-desktop.exe, as a PyInstaller version file.

Explorer's Properties > Details, Task Manager and SmartScreen show these;
without them the exe is "lila-desktop.exe" from nobody, version 0.0.0.0.
PyInstaller reads the file with `eval` against its `versioninfo` classes
(the format `pyi-grab_version` writes); those classes import Windows-only
modules, so the text is built here without them.
"""

from __future__ import annotations

import re
from pathlib import Path

PRODUCT = "Lila Desktop"
PUBLISHER = "Lila"


def four_numbers(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0); a suffix such as 'rc1' or '+local' is dropped."""
    match = re.match(r"(\d+(?:\.\d+){0,3})", version)
    if match is None:
        raise ValueError(f"not a version: {version!r}")
    numbers = [int(n) for n in match.group(1).split(".")]
    a, b, c, d = [*numbers, 0, 0, 0][:4]
    return a, b, c, d


def version_file_text(version: str) -> str:
    numbers = four_numbers(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": PRODUCT,
        "FileVersion": version,
        "InternalName": "lila-desktop",
        "LegalCopyright": f"© {PUBLISHER}",
        "OriginalFilename": "lila-desktop.exe",
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    structs = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return (
        "# UTF-8\n"
        "VSVersionInfo(\n"
        f"  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3F, flags=0x0,\n"
        "                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),\n"
        "  kids=[\n"
        "    StringFileInfo([\n"
        "      StringTable('040904B0', [\n"  # US English, Unicode
        f"          {structs}])]),\n"
        "    VarFileInfo([VarStruct('Translation', [0x0409, 1200])]),\n"
        "  ],\n"
        ")\n"
    )


def write_version_file(version: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(version_file_text(version), encoding="utf-8")
    return dest
