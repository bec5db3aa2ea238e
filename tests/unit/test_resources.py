"""The top-level `resources/` are the sources; the package carries what is built from them.

Fails while the package's icons or compiled translations differ from what
`scripts/build_resources.py` makes of the sources, or while the desktop entry,
the AppStream metadata and the app disagree about who they describe.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lila_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
PACKAGE = ROOT / "lila_desktop" / "resources"


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_resources", ROOT / "scripts" / "build_resources.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_package_carries_exactly_what_the_sources_make(tmp_path: Path) -> None:
    made = _builder().build(tmp_path)
    names = {f.relative_to(tmp_path).as_posix() for f in made}
    assert "translations/lila_es.qm" in names and "icons/app.svg" in names
    for rel in sorted(names):
        assert (PACKAGE / rel).read_bytes() == (tmp_path / rel).read_bytes(), (
            f"lila_desktop/resources/{rel} is stale: run scripts/build_resources.py"
        )
    carried = {
        p.relative_to(PACKAGE).as_posix()
        for sub in ("icons", "translations")
        for p in (PACKAGE / sub).iterdir()
    }
    assert carried == names  # nothing carried that no source makes


def test_sources_are_not_inside_the_package() -> None:
    assert not list(PACKAGE.rglob("*.ts")), "translation sources live in resources/translations"
    assert (RESOURCES / "icons" / "app.svg").is_file()


def _desktop_entry() -> dict[str, str]:
    text = (RESOURCES / "lila-desktop.desktop").read_text(encoding="utf-8")
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_desktop_entry_metainfo_and_app_describe_the_same_program() -> None:
    entry = _desktop_entry()
    meta = ET.parse(RESOURCES / "lila-desktop.metainfo.xml").getroot()
    assert meta.findtext("launchable") == "lila-desktop.desktop"
    assert meta.findtext("icon") == entry["Icon"] == "lila-desktop"
    assert meta.findtext("name") == entry["Name"] == "Lila Desktop"
    assert meta.findtext("summary") == entry["Comment"]
    es = [
        s.text
        for s in meta.findall("summary")
        if s.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    ]
    assert es == [entry["Comment[es]"]]
    categories = {c.text for c in meta.iter("category")}
    assert categories <= set(entry["Categories"].strip(";").split(";"))
    assert meta.find("releases/release").get("version") == __version__  # type: ignore[union-attr]
    main = (ROOT / "lila_desktop" / "ui" / "main.py").read_text(encoding="utf-8")
    assert re.search(r'setDesktopFileName\("lila-desktop"\)', main)  # Wayland finds the entry


@pytest.mark.parametrize(
    ("tool", "args", "name"),
    [
        ("desktop-file-validate", [], "lila-desktop.desktop"),
        ("appstreamcli", ["validate", "--no-net"], "lila-desktop.metainfo.xml"),
    ],
)
def test_the_metadata_validates(tool: str, args: list[str], name: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    out = subprocess.run([tool, *args, str(RESOURCES / name)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
