"""Smoke tests of an installed (or just built) Lila Desktop, the same on all three OSes.

    python packaging/smoke.py --exe PATH [--out DIR] [STEP ...]

Run by .github/workflows/release.yml on Windows, macOS (arm64, Intel) and
Ubuntu 22.04 right after the silent install, and here by
tests/packaging/test_smoke.py against the Linux build. Standard library only
(plus `keyring` for the keyring check), so it needs nothing of the app's.

Steps (all by default, in this order):
  demo      headless --demo answers /health and a demo number is connected; a
            number added and "scanned" connects; a second headless launch on the
            same data folder exits 4 saying "already running"; a restore while the
            engine holds the live store (Windows: WinError 32 before) reconnects;
            a clean quit leaves no plaintext; after the stop, a restore works too.
  neonize   headless --transport neonize: the engine loads the bundled neonize
            library and libmagic and the number reaches its first real status;
            removing it then deletes the store neonize still holds open.
  window    the window with --demo: /health, a screenshot, a second launch is
            handed over (exit 0), a clean quit leaves no plaintext.
  keyring   default data folder, no passphrase: the vault key is created in the
            platform keyring (Credential Manager, Keychain, Secret Service).
  upgrade-refused  (Windows, --installer SETUP.EXE) the installer, run silently over a
            running app exits 2 and leaves it running.
  kept      after the uninstaller ran: the data folder and the key are still there.
Writes DIR/smoke-<steps>.json (what passed, with timings) and DIR/window.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # smoke_app, when run as a script

from smoke_app import (
    API_KEY,
    DEMO_CONNECTED,
    EXIT_ALREADY_RUNNING,
    KEYRING_SERVICE,
    KEYRING_USER,
    PASSPHRASE,
    PHONE,
    STEPS,
    App,
    SmokeFailure,
    check,
    default_data_dir,
    plaintext_left,
)


class Smoke:
    def __init__(self, exe: list[str], out: Path, installer: list[str] | None = None) -> None:
        self.exe = exe
        self.installer = installer or []
        self.out = out
        self.work = Path(tempfile.mkdtemp(prefix="lila-smoke-")).resolve()
        self.results: dict[str, Any] = {"platform": sys.platform, "steps": {}}

    def env(self, *, passphrase: bool = True, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LILA_", "QT_"))}
        env.update(LILA_API_KEY=API_KEY, LILA_SIM_TIME_SCALE="0.05", **extra)
        if passphrase:
            env["LILA_VAULT_PASSPHRASE"] = PASSPHRASE
        return env

    def start(self, args: list[str], data_dir: Path | None, env: dict[str, str]) -> App:
        return App(self.exe, args, env, data_dir)

    def quit_cleanly(self, app: App, data_dir: Path) -> None:
        code = app.quit()
        check(code == 0, f"quit with exit code {code}:\n{app.tail()}")
        app.wait_log("stopped", timeout=5)
        left = plaintext_left(data_dir)
        check(not left, f"plaintext left after a clean quit: {left}")

    # -- steps -------------------------------------------------------------------------

    def demo(self) -> dict[str, Any]:
        data = self.work / "demo"
        app = self.start(["--headless", "--demo"], data, self.env())
        try:
            health = app.wait_health()
            app.wait_log("ready")
            app.status_of(DEMO_CONNECTED, lambda s: s == "connected")
            code, body = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
            check(code == 201, f"add: {code} {body}")
            code, body = app.call("POST", f"/api/sessions/{PHONE}/simulate", {"event": "scan"})
            check(code == 200, f"scan: {code} {body}")
            app.status_of(PHONE, lambda s: s == "connected")
            second = self.second_headless(data)
            # The engine connected this number: it holds the live store (on Windows
            # that refused the replace). Restore must release it and reconnect.
            self.restore(app, "while running")
            self.quit_cleanly(app, data)
        finally:
            app.kill()
        app = self.start(["--headless", "--demo"], data, self.env())
        try:
            app.wait_health()
            app.wait_log("ready")
            app.status_of(PHONE, lambda s: s == "connected")
            self.restore(app, "after a stop")
            self.quit_cleanly(app, data)
        finally:
            app.kill()
        return {"health_seconds": round(health, 2), "second_launch": second}

    def second_headless(self, data: Path) -> str:
        other = self.start(["--headless"], data, self.env())
        try:
            code = other.proc.wait(90)
        except subprocess.TimeoutExpired:
            other.kill()
            raise SmokeFailure("a second launch on the same data folder kept running") from None
        other._reader.join(10)
        said = other.tail()
        check(code == EXIT_ALREADY_RUNNING, f"second launch: exit {code}, not 4:\n{said}")
        check("already running" in said, f"second launch said:\n{said}")
        return said.strip().splitlines()[-1]

    def restore(self, app: App, when: str) -> None:
        code, body = app.call("POST", f"/api/sessions/{PHONE}/restore", {})
        check(code == 200, f"restore {when}: {code} {body}")
        app.status_of(PHONE, lambda s: s == "connected")

    def neonize(self) -> dict[str, Any]:
        data = self.work / "neonize"
        app = self.start(["--headless", "--transport", "neonize"], data, self.env())
        try:
            app.wait_health()
            app.wait_log("ready")  # the engine answered hello: neonize imported
            code, body = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
            check(code == 201, f"add: {code} {body}")
            first = app.status_of(PHONE, lambda s: s not in ("absent", "stopped", "connecting"))
            loaded = _engine_libraries(app)
            check(any("neonize" in p for p in loaded), f"neonize not loaded: {loaded}")
            check(any("magic" in p.lower() for p in loaded), f"libmagic not loaded: {loaded}")
            downloads = [line for line in app.tail(400).splitlines() if "download" in line.lower()]
            check(not downloads, f"neonize downloaded something: {downloads}")
            malformed = [line for line in app.tail(400).splitlines() if "malformed" in line]
            check(not malformed, f"the protocol pipe carried chatter: {malformed}")
            # neonize keeps a handle on the store after connect (hazard 6): removing
            # the number deletes a file the engine holds (Windows: WinError 32 before).
            code, body = app.call("DELETE", f"/api/sessions/{PHONE}")
            check(code == 200, f"remove after a real connect: {code} {body}")
            live = [p for p in plaintext_left(data) if p.name.startswith(PHONE)]
            check(not live, f"the removed number's store is still there: {live}")
            self.quit_cleanly(app, data)
        finally:
            app.kill()
        shown = sorted({Path(p).name for p in loaded if "neonize" in p or "magic" in p.lower()})
        return {"first_status": first, "libraries": shown}

    def window(self) -> dict[str, Any]:
        data = self.work / "window"
        app = self.start(["--demo"], data, self.env())
        try:
            app.wait_health()
            app.wait_log("ready")
            shot = _screenshot(self.out / "window.png")  # a fresh demo greets: the first run
            # A number arriving (here via the API) shows the list; the demo numbers follow.
            code, body = app.call("POST", "/api/sessions", {"phoneNumber": PHONE})
            check(code == 201, f"add a number: {code} {body}")
            app.status_of(DEMO_CONNECTED, lambda s: s == "connected")
            second = self.start(["--demo"], data, self.env())
            code = second.proc.wait(90)
            check(code == 0, f"second window launch: exit {code}:\n{second.tail()}")
            second.wait_log("handed_over", timeout=5)
            self.quit_cleanly(app, data)
        finally:
            app.kill()
        return {"screenshot": shot}

    def keyring(self) -> dict[str, Any]:
        data = default_data_dir(demo=True)
        app = self.start(["--headless", "--demo"], None, self.env(passphrase=False))
        try:
            app.wait_health()
            app.wait_log("ready")
            said = app.tail(400)
            check("key from the system keyring" in said, f"vault key not from the keyring:\n{said}")
            app.status_of(DEMO_CONNECTED, lambda s: s == "connected")
            self.quit_cleanly(app, data)
        finally:
            app.kill()
        check(keyring_has_key(), "the vault key is not in the platform keyring")
        return {"data_dir": str(data)}

    def upgrade_refused(self) -> dict[str, Any]:
        """Windows: the installer, run silently over a running app, changes nothing and
        exits 2 (packaging/windows/lila-desktop.nsi: REFUSE_WHILE_RUNNING)."""
        check(self.installer, "this step needs --installer")
        data = self.work / "upgrade"
        app = self.start(["--headless", "--demo"], data, self.env())
        try:
            app.wait_health()
            app.wait_log("ready")
            code = subprocess.run(self.installer, timeout=300).returncode
            check(code == 2, f"the installer over a running app exited {code}, not 2")
            check(app.proc.poll() is None, "the app died while the installer ran")
            app.status_of(DEMO_CONNECTED, lambda s: s == "connected")
            self.quit_cleanly(app, data)
        finally:
            app.kill()
        return {"installer_exit": code}

    def kept(self) -> dict[str, Any]:
        data = default_data_dir(demo=True)
        sealed = sorted(p.name for p in (data / "sessions").rglob("*") if p.is_file())
        check(sealed, f"the uninstaller removed the data in {data}")
        check(keyring_has_key(), "the uninstaller removed the vault key")
        return {"data_dir": str(data), "files": len(sealed)}


def keyring_has_key() -> bool:
    """Without reading the secret on macOS (another program reading it would prompt)."""
    if sys.platform == "darwin":
        found = subprocess.run(
            ["security", "find-generic-password", "-s", KEYRING_SERVICE, "-a", KEYRING_USER],
            capture_output=True,
        )
        return found.returncode == 0
    import keyring

    return bool(keyring.get_password(KEYRING_SERVICE, KEYRING_USER))


def _engine_libraries(app: App) -> list[str]:
    import psutil

    engines = []
    for child in psutil.Process(app.proc.pid).children(recursive=True):
        try:
            if "--engine" in child.cmdline():
                engines.append(child)
        except psutil.Error:
            continue  # a helper that just exited
    check(len(engines) == 1, f"expected one engine process, found {engines}")
    if sys.platform == "darwin":  # psutil has no memory_maps there
        out = subprocess.run(
            ["lsof", "-p", str(engines[0].pid), "-Fn"], capture_output=True, text=True
        )
        return [line[1:] for line in out.stdout.splitlines() if line.startswith("n/")]
    return sorted({m.path for m in engines[0].memory_maps()})


def _screenshot(dest: Path) -> str:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform == "darwin":
        subprocess.run(["screencapture", "-x", str(dest)], check=True, timeout=60)
    elif sys.platform == "win32":
        from PIL import ImageGrab

        ImageGrab.grab(all_screens=True).save(dest)
    else:
        subprocess.run(["import", "-window", "root", str(dest)], check=True, timeout=60)
    check(dest.stat().st_size > 1000, "the screenshot is empty")
    return str(dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exe", required=True, help="the installed executable (or a command)")
    parser.add_argument("--out", type=Path, default=Path("smoke-output"))
    parser.add_argument("--installer", help="for upgrade-refused: the NSIS setup.exe")
    parser.add_argument(
        "steps", nargs="*", choices=[*STEPS, "upgrade-refused", "kept"], default=list(STEPS)
    )
    args = parser.parse_args(argv)
    # A path (it may contain spaces or backslashes), or a command such as "python -m lila_desktop".
    given = Path(args.exe)
    exe = [args.exe] if given.exists() or sys.platform == "win32" else shlex.split(args.exe)
    installer = [args.installer, "/S"] if args.installer else []  # NSIS: silent
    smoke = Smoke(exe, args.out.resolve(), installer)
    failed = False
    for step in args.steps:
        began = time.monotonic()
        try:
            result = getattr(smoke, step.replace("-", "_"))()
            entry = {"ok": True, "seconds": round(time.monotonic() - began, 1), **result}
        except (SmokeFailure, OSError, subprocess.SubprocessError) as exc:
            failed = True
            entry = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        smoke.results["steps"][step] = entry
        print(f"{'PASS' if entry['ok'] else 'FAIL'} {step}: {entry}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.out / f"smoke-{'-'.join(args.steps)}.json"
    report.write_text(json.dumps(smoke.results, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
