"""Build what the package carries from the source assets in the top-level `resources/`.

    resources/icons/*.svg              ->  lila_desktop/resources/icons/*.svg (as is)
    resources/translations/lila_*.ts   ->  lila_desktop/resources/translations/lila_*.qm
    resources/lila-desktop.desktop     (installers read it from here)
    resources/lila-desktop.metainfo.xml

Usage (from the repository root):
    .venv/bin/python scripts/build_resources.py            # rebuild the package's copies
    .venv/bin/python scripts/build_resources.py --update-ts  # lupdate, then rebuild
    .venv/bin/python scripts/build_resources.py --check    # exit 1 if they drifted

tests/unit/test_resources.py runs the same build into a temporary folder and
fails while the package's copies differ from what the sources make.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources"
PACKAGE = ROOT / "lila_desktop" / "resources"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    local = BIN / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install the [test] extras (PySide6)")
    return found


def update_ts() -> None:
    """Collect the UI's strings into every .ts (new ones come out unfinished)."""
    sources = sorted(str(p) for p in (ROOT / "lila_desktop" / "ui").rglob("*.py"))
    for ts in sorted((SOURCES / "translations").glob("lila_*.ts")):
        lang = ts.stem.split("_", 1)[1]
        languages = ["-source-language", "en", "-target-language", lang]
        subprocess.run(
            [_tool("pyside6-lupdate"), *sources, "-ts", str(ts), *languages, "-no-obsolete"],
            check=True,
        )


def build(out: Path) -> list[Path]:
    """Everything the package carries, made from the sources into `out`; the files made."""
    made: list[Path] = []
    (out / "icons").mkdir(parents=True, exist_ok=True)
    for svg in sorted((SOURCES / "icons").glob("*.svg")):
        made.append(Path(shutil.copy2(svg, out / "icons" / svg.name)))
    (out / "translations").mkdir(parents=True, exist_ok=True)
    for ts in sorted((SOURCES / "translations").glob("lila_*.ts")):
        qm = out / "translations" / f"{ts.stem}.qm"
        subprocess.run(
            [_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)],
            check=True,
            capture_output=True,
        )
        made.append(qm)
    return made


def drifted() -> list[str]:
    """Package files that differ from (or are missing against) a fresh build."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        return [
            str(PACKAGE / f.relative_to(out))
            for f in build(out)
            if not (PACKAGE / f.relative_to(out)).is_file()
            or not filecmp.cmp(f, PACKAGE / f.relative_to(out), shallow=False)
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift")
    parser.add_argument("--update-ts", action="store_true", help="run lupdate first")
    args = parser.parse_args()
    if args.check:
        stale = drifted()
        for path in stale:
            print(f"stale: {path} (run scripts/build_resources.py)")
        return 1 if stale else 0
    if args.update_ts:
        update_ts()
    for path in build(PACKAGE):
        print(f"built {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
