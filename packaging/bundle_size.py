"""The one-folder bundle's size and its largest parts, as bench/results/bundle.json keeps them.

    python packaging/bundle_size.py dist/lila-desktop --built "what built it" [--out FILE]

Sizes are MiB of the files and symlinks themselves (folders not counted), as the
packaging tests measure them (tests/packaging/support.py: tree_size).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path
from typing import Any

# Parts named in the breakdown (folders are summed), when the bundle has them.
PARTS = (
    "PySide6",
    "PySide6/Qt/lib/libicudata.so.73",
    "PySide6/Qt/lib/libicui18n.so.73",
    "PySide6/Qt/lib/libicuuc.so.73",
    "PySide6/Qt/lib/libQt6Gui.so.6",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Core.so.6",
    "neonize",
    "cryptography",
    "pillow.libs",
    "PIL",
    "libpython3.11.so.1.0",
    "libcrypto.so.3",
)
MIB = 2**20


def size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir() or p.is_symlink())


def breakdown(bundle: Path, built: str) -> dict[str, Any]:
    internal = bundle / "_internal"
    total = size(bundle)
    parts = {
        name: round(size(internal / name) / MIB, 1) for name in PARTS if (internal / name).exists()
    }
    return {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "mb": round(total / MIB, 1),
        "bytes": total,
        "built": built,
        "executable_mb": round(size(bundle / bundle.name) / MIB, 1),
        "largest_mb": parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--built", required=True, help="how and at which commit it was built")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = json.dumps(breakdown(args.bundle, args.built), indent=2) + "\n"
    if args.out:
        args.out.write_text(text)
    print(text, end="")


if __name__ == "__main__":
    main()
