"""The frozen app, built by `packaging/build_linux.sh`, run without any Python of ours.

- the bundle carries what PyInstaller cannot see (neonize's Go library next
  to neonize/_binder.py, libmagic, Qt's plugins, our resources);
- headless `--demo`: /health answers, and a simulated number added through
  the API reaches `connected` through the engine process the frozen app
  started by re-running itself with `--engine`;
- `--transport neonize`: the frozen engine loads the bundled neonize library
  and libmagic (not the venv's, nothing downloaded) and a number reaches
  `reconnecting` on the DNS failure instead of crashing the engine;
- the window under Xvfb loads the bundled xcb platform plugin and SVG icon engine
  and its tour (LILA_SMOKE_TOUR) draws every screen, a decodable QR, Spanish
  text, and Qt's ICU answers from the trimmed data library;
- the .deb installs into a temporary root (dpkg --root), the installed
  binary runs the same way, and a purge leaves the user's data alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.support import ROOT, LinuxBuild, clean_env, frozen_app, require_tools

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(900)]

PHONE = "51902049935"
DEMO_CONNECTED = "51900000001"
INTERNAL = "_internal"


def _loaded_from(process: Any, pattern: str) -> list[str]:
    return sorted({m.path for m in process.memory_maps() if re.search(pattern, m.path)})


def test_bundle_carries_what_pyinstaller_cannot_see(linux_build: LinuxBuild) -> None:
    internal = linux_build.bundle / INTERNAL
    assert os.access(linux_build.exe, os.X_OK)
    # neonize looks for its library next to neonize/_binder.py or downloads one.
    assert [p.name for p in (internal / "neonize").glob("neonize-linux-*.so")]
    assert (internal / "libmagic.so.1").exists()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in (
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "platforms/libqoffscreen.so",
        "platformthemes/libqxdgdesktopportal.so",
        "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "iconengines/libqsvgicon.so",
        "imageformats/libqsvg.so",
        "imageformats/libqico.so",
    ):
        assert (plugins / plugin).is_file(), plugin
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_es.qm").is_file()
    source = ROOT / "lila_desktop" / "resources"
    bundled = internal / "lila_desktop" / "resources"
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    assert wanted <= {p.relative_to(bundled) for p in bundled.rglob("*") if p.is_file()}
    # Dropped on purpose: the GTK theme plugin and the GTK stack it dragged in.
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists()
    assert not list(internal.glob("libgtk-3.so*"))


def test_frozen_headless_demo_connects_through_its_own_engine(
    linux_build: LinuxBuild, tmp_path: Path, measurements: dict[str, Any]
) -> None:
    args = ["--headless", "--demo", "--data-dir", str(tmp_path / "data")]
    with frozen_app(linux_build.exe, args, clean_env()) as app:
        measurements["health_seconds_headless_demo"] = round(app.wait_health(), 3)
        app.wait_log("ready")
        [engine] = app.engines()
        assert Path(engine.exe()).resolve() == linux_build.exe.resolve()
        assert engine.cmdline()[1:] == ["--engine", "--transport", "simulated"]

        code, listed = app.call("GET", "/api/sessions")
        assert code == 200
        statuses = {s["phoneNumber"]: s["status"] for s in listed["data"]["sessions"]}
        assert statuses[DEMO_CONNECTED] == "connected", statuses

        code, added = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
        assert code == 201, added
        assert added["data"]["status"] == "qr"
        code, scanned = app.call("POST", f"/api/sessions/{PHONE}/simulate", {"event": "scan"})
        assert code == 200, scanned
        status = app.poll(PHONE, lambda s: s["status"] == "connected")
        assert status["isConnected"] is True

        assert app.stop() == 0
        app.wait_log("stopped")


@pytest.mark.neonize
def test_frozen_engine_runs_the_bundled_neonize(
    linux_build: LinuxBuild, tmp_path: Path, measurements: dict[str, Any]
) -> None:
    args = ["--headless", "--transport", "neonize", "--data-dir", str(tmp_path / "data")]
    with frozen_app(linux_build.exe, args, clean_env()) as app:
        measurements["health_seconds_headless_neonize"] = round(app.wait_health(), 3)
        app.wait_log("ready")  # the engine answered hello: neonize imported
        [engine] = app.engines()
        assert engine.cmdline()[1:] == ["--engine", "--transport", "neonize"]
        internal = str(linux_build.bundle / INTERNAL)
        neonize_libs = _loaded_from(engine, r"neonize-linux-[^/]+\.so$")
        assert neonize_libs and all(p.startswith(internal) for p in neonize_libs), neonize_libs
        magic_libs = _loaded_from(engine, r"libmagic\.so")
        assert magic_libs and all(p.startswith(internal) for p in magic_libs), magic_libs

        code, added = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
        assert code == 201, added
        status = app.poll(PHONE, lambda s: s["status"] == "reconnecting", timeout=60)
        # No network here: whatsmeow's dial fails on DNS, the policy retries.
        assert "dial" in status["lastDisconnect"]["reason"], status
        assert engine.is_running() and app.engines()[0].pid == engine.pid  # no crash
        assert not [line for line in app.raw if "download" in line.lower()]

        assert app.stop() == 0


@pytest.mark.keyring
def test_frozen_app_keeps_its_keys_in_the_os_keyring(
    linux_build: LinuxBuild, tmp_path: Path
) -> None:
    """The default path of a real install: vault key and API key in the Secret
    Service, through the keyring backends (jeepney, secretstorage) in the bundle."""
    if not os.environ.get("LILA_KEYRING_TMP"):
        pytest.skip("needs the isolated keyring of scripts/with-keyring.sh")
    env = clean_env()
    del env["LILA_VAULT_PASSPHRASE"], env["LILA_API_KEY"]
    args = ["--headless", "--demo", "--data-dir", str(tmp_path / "data")]
    with frozen_app(linux_build.exe, args, env) as app:
        assert app.wait_log("api_listening")["key_source"] == "keyring"
        app.wait_log("ready")
        assert any("vault open: key from the system keyring" in line for line in app.raw)
        assert app.stop() == 0
    lookup = subprocess.run(
        ["secret-tool", "lookup", "service", "lila-desktop", "username", "master-key"],
        capture_output=True,
        text=True,
    )
    assert lookup.returncode == 0 and lookup.stdout.strip()


# What the tour (lila_desktop/ui/smoke_tour.py) must have drawn: every screen an owner opens.
SCREENS = {
    "first_run", "window", "inline_qr", "tab_timeline_panel", "tab_backup_timeline",
    "tab_log_view", "tab_outbox_view", "restore_confirm", "settings", "about", "tray_menu",
    "link_dialog", "window_es",
}  # fmt: skip
ICU_DATA_MAX = 8 * 2**20  # the trimmed data is ~4 MB; PySide6's own is 30.6 MB


def test_frozen_window_opens_every_screen(
    linux_build: LinuxBuild, tmp_path: Path, measurements: dict[str, Any]
) -> None:
    """The slimmer bundle still draws every screen: the window's tour under Xvfb loads
    the bundled xcb and SVG plugins, shows a QR that decodes, speaks Spanish with Qt's
    own words, and Qt's ICU (the trimmed data) still collates and names time zones
    in Spanish."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs an X server (the test command runs under xvfb-run)")
    require_tools("zbarimg")
    tour = tmp_path / "tour"
    env = clean_env(
        {"QT_QPA_PLATFORM": "xcb", "QT_DEBUG_PLUGINS": "1", "LILA_SMOKE_TOUR": str(tour)}
    )
    args = ["--demo", "--data-dir", str(tmp_path / "data")]
    with frozen_app(linux_build.exe, args, env) as app:
        measurements["health_seconds_window_demo"] = round(app.wait_health(), 3)
        app.wait_log("ready")
        plugins = str(linux_build.bundle / INTERNAL / "PySide6" / "Qt" / "plugins")
        loaded = [line for line in app.raw if "loaded library" in line and plugins in line]
        for plugin in ("platforms/libqxcb.so", "iconengines/libqsvgicon.so"):
            assert any(plugin in line for line in loaded), (plugin, app.log_tail(40))
        app.wait_log(lambda line: str(line.get("event", "")).startswith("smoke_tour_"), timeout=120)
        assert app.stop() == 0
    report = json.loads((tour / "tour.json").read_text())
    assert "error" not in report, report["error"]
    assert set(report["screens"]) >= SCREENS, SCREENS - set(report["screens"])
    for name, screen in report["screens"].items():
        width, height = screen["size"]
        assert width > 100 and height > 50 and screen["colours"] >= 8, (name, screen)
    for name in ("inline_qr", "link_dialog"):
        decoded = subprocess.run(
            ["zbarimg", "-q", "--raw", str(tour / f"{name}.png")], capture_output=True, text=True
        )
        assert decoded.returncode == 0 and decoded.stdout.strip(), (name, decoded.stderr)
    spanish = report["spanish"]
    tabs = [tab.replace("&", "") for tab in spanish["tabs"]]
    assert spanish["qt_cancel"] == "Cancelar" and "Registro" in tabs, spanish
    icu = report["icu"]
    assert icu["es_collation_n_before_enye"] and "Europa" in icu["es_madrid_standard_time"], icu
    assert icu["upper_es"] == "ÑANDÚ", icu
    [icudata] = icu["libicudata"].split(",")
    assert Path(icudata).resolve().is_relative_to(linux_build.bundle.resolve()), icudata
    assert Path(icudata).stat().st_size < ICU_DATA_MAX, icudata
    shots = ROOT / "test-output" / "screenshots" / "frozen"
    shots.mkdir(parents=True, exist_ok=True)
    for png in tour.glob("*.png"):
        shutil.copy(png, shots / png.name)


def _needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


def _elf_files(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def _dpkg(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["dpkg", f"--root={root}", "--force-depends", *args], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_deb_installs_runs_and_purges_keeping_user_data(
    linux_build: LinuxBuild, tmp_path: Path, measurements: dict[str, Any]
) -> None:
    require_tools("dpkg", "dpkg-deb", "desktop-file-validate", "readelf")
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for folder in (admin / "info", admin / "updates", admin / "triggers"):
        folder.mkdir(parents=True)
    (admin / "status").touch()
    (admin / "available").touch()
    _dpkg(root, "--install", str(linux_build.deb))

    app_dir = root / "opt" / "lila-desktop"
    launcher = root / "usr" / "bin" / "lila-desktop"
    desktop = root / "usr" / "share" / "applications" / "lila-desktop.desktop"
    assert launcher.resolve() == (app_dir / "lila-desktop").resolve()
    validated = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    entry = desktop.read_text()
    assert "Exec=/opt/lila-desktop/lila-desktop\n" in entry and "Icon=lila-desktop\n" in entry
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    assert (hicolor / "48x48" / "apps" / "lila-desktop.png").is_file()
    assert (hicolor / "scalable" / "apps" / "lila-desktop.svg").is_file()

    # Every library the bundle needs but does not carry comes from a Depends package.
    depends = subprocess.run(
        ["dpkg-deb", "--field", str(linux_build.deb), "Depends"], capture_output=True, text=True
    ).stdout
    packages = [re.split(r"[\s(]", dep.strip())[0] for dep in depends.split(",")]
    provided = set()
    for package in packages:
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout
        provided |= {Path(line).name for line in listing.splitlines()}
    elves = _elf_files(app_dir)
    carried = {p.name for p in app_dir.rglob("*")}
    outside = set().union(*(_needed(p) for p in elves)) - carried
    assert outside and outside <= provided, (outside - provided, depends)
    measurements["deb_depends"] = depends.strip()

    # The installed app, started as the menu would: no --data-dir, the user's home.
    home = root / "home" / "shop"
    home.mkdir(parents=True)
    env = clean_env({"HOME": str(home)}, drop=("XDG_DATA_HOME", "XDG_CONFIG_HOME"))
    with frozen_app(launcher, ["--headless", "--demo"], env) as app:
        measurements["health_seconds_installed_deb"] = round(app.wait_health(), 3)
        app.wait_log("ready")
        [engine] = app.engines()
        assert Path(engine.exe()).resolve() == (app_dir / "lila-desktop").resolve()
        assert app.status(DEMO_CONNECTED)["status"] == "connected"
        assert app.stop() == 0
    data_dir = home / ".local" / "share" / "lila-desktop-demo"
    kept = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file())
    assert Path("sessions.json") in kept

    _dpkg(root, "--purge", "lila-desktop")
    assert not app_dir.exists() and not launcher.is_symlink() and not desktop.exists()
    assert sorted(p.relative_to(data_dir) for p in data_dir.rglob("*") if p.is_file()) == kept
