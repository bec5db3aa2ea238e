"""One Linux build per test session, made by the documented build command.

`packaging/build_linux.sh` builds the one-folder app and the .deb. Tests get
it with `--python` (this interpreter: no apt, no venv set-up inside a test)
and a zstd .deb (3 s instead of ~2.5 min of xz; the content is the same).
Measurements (build time, sizes, time to /health) go to
test-output/packaging/frozen.json.

LILA_PACKAGING_DIST=DIR runs the same tests against a build made earlier
(DIR/lila-desktop and the one DIR/lila-desktop_*.deb), e.g. a release build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.support import ROOT, LinuxBuild, require_tools, tree_size

RESULTS = ROOT / "test-output" / "packaging" / "frozen.json"
BUILD_TIMEOUT = 900


@pytest.fixture(scope="session")
def measurements() -> Iterator[dict[str, Any]]:
    found: dict[str, Any] = {}
    yield found
    if found:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="session")
def linux_build(
    tmp_path_factory: pytest.TempPathFactory, measurements: dict[str, Any]
) -> LinuxBuild:
    if not sys.platform.startswith("linux"):
        pytest.skip("the Linux bundle and .deb are built on Linux")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is missing: pip install -e '.[packaging]'", pytrace=False)
    existing = os.environ.get("LILA_PACKAGING_DIST")
    if existing:
        bundle = Path(existing).resolve() / "lila-desktop"
        [deb] = sorted(bundle.parent.glob("lila-desktop_*.deb"))
        measurements.update(bundle_bytes=tree_size(bundle), deb_bytes=deb.stat().st_size)
        return LinuxBuild(bundle, bundle / "lila-desktop", deb, 0.0, "")
    require_tools("dpkg-deb", "readelf", "strip")
    out = tmp_path_factory.mktemp("linux-build")
    started = time.monotonic()
    proc = subprocess.run(
        [
            str(ROOT / "packaging" / "build_linux.sh"),
            "--python",
            sys.executable,
            "--dist",
            str(out / "dist"),
            "--work",
            str(out / "work"),
            "--deb-compression",
            "zstd",
        ],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    seconds = time.monotonic() - started
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"build_linux.sh failed:\n{log[-6000:]}"
    match = re.search(r"^deb:\s+(\S+\.deb)", proc.stdout, re.M)
    assert match, f"build_linux.sh named no .deb:\n{proc.stdout[-2000:]}"
    shutil.rmtree(out / "work")  # PyInstaller's intermediate files: ~200 MB nobody reads
    bundle = out / "dist" / "lila-desktop"
    build = LinuxBuild(bundle, bundle / "lila-desktop", Path(match.group(1)), seconds, log)
    measurements.update(
        build_seconds=round(seconds, 1),
        bundle_bytes=tree_size(bundle),
        deb_bytes_zstd=build.deb.stat().st_size,
    )
    return build
