"""The release smoke test (packaging/smoke.py), run here against the Linux build.

The workflow runs the same script on Windows, macOS and Ubuntu 22.04 against
the installed app; here it proves the steps themselves on the frozen Linux
bundle: demo + second launch + restore while the engine holds the store +
clean quit + restore after a stop, the bundled neonize and libmagic, the
window (under Xvfb) and the key in the Secret Service (under with-keyring).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.support import ROOT, LinuxBuild

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]


def _steps() -> list[str]:
    steps = ["demo", "neonize"]
    if os.environ.get("DISPLAY"):
        steps.append("window")
    if os.environ.get("LILA_KEYRING_TMP"):
        steps += ["keyring", "kept"]
    return steps


@pytest.mark.neonize
def test_release_smoke_steps_pass_on_the_linux_build(
    linux_build: LinuxBuild, tmp_path: Path
) -> None:
    out = ROOT / "test-output" / "smoke"
    steps = _steps()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}  # keyring: default folder
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke.py"), "--exe", str(linux_build.exe),
         "--out", str(out), *steps],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    report = json.loads((out / f"smoke-{'-'.join(steps)}.json").read_text())
    assert all(report["steps"][step]["ok"] for step in steps), report
    assert report["steps"]["demo"]["second_launch"].startswith("Lila Desktop is already running")
    libraries = report["steps"]["neonize"]["libraries"]
    assert any(name.startswith("neonize-linux") for name in libraries), libraries
    assert any(name.startswith("libmagic") for name in libraries), libraries


def test_the_smoke_script_agrees_with_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its own copies of the app's names (it imports nothing of the app)."""
    import importlib.util

    import platformdirs

    from lila_desktop.services.vault import keystores

    spec = importlib.util.spec_from_file_location("smoke_app", ROOT / "packaging" / "smoke_app.py")
    assert spec is not None and spec.loader is not None
    smoke_app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(smoke_app)
    assert (smoke_app.KEYRING_SERVICE, smoke_app.KEYRING_USER) == (
        keystores.SERVICE_NAME,
        keystores.KEY_USERNAME,
    )
    for xdg in ("", "/tmp/elsewhere"):
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
        app_dir = Path(platformdirs.user_data_dir("lila-desktop", "Lila"))
        assert smoke_app.default_data_dir(demo=False) == app_dir
        assert smoke_app.default_data_dir(demo=True) == app_dir.with_name("lila-desktop-demo")
