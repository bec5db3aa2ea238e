"""The window a shop owner sees, as the real app under Xvfb on a 1366×768 screen:
`--demo`, a tray host and a notification server on the session bus.

Per language and scaling (English at 100 %, Spanish at 150 %): a fresh demo
greets with the first run and the owner skips it from the keyboard; the demo's
logout reaches the desktop as one notification in the owner's language, a
dropped connection that comes back by itself does not; clicking the
notification opens that number; the inline QR of the number waiting for its
scan is big enough and decodes (zbarimg) from a screenshot of the screen;
the timeline of a number with a day of history is on screen. The screenshots
are the README's pictures (scripts/screenshots.sh copies them to docs/).

Needs: a D-Bus session bus, Xvfb, xdotool, ImageMagick's `import`, zbarimg.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.harness.app_process import AppProcess
from tests.e2e.test_gui_e2e import FakeDesktop, event

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots" / "window-e2e"
SHOP, DELIVERIES, OLD = "51900000001", "51900000002", "51900000003"


def _missing() -> str | None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "needs a D-Bus session bus (dbus-run-session, as scripts/test.sh does)"
    for tool in ("Xvfb", "xdotool", "import", "zbarimg"):
        if shutil.which(tool) is None:
            return f"needs {tool} (Debian: xvfb, xdotool, imagemagick, zbar-tools)"
    return None


class ClickingDesktop(FakeDesktop):
    """The recorder of test_gui_e2e, which also clicks: a line appended to `clicks`
    makes it send ActionInvoked for the last notification, as a desktop does when
    the owner clicks one."""

    def __init__(self, record: Path, clicks: Path) -> None:
        super().__init__(record)
        self.clicks = clicks
        self.last_id = 0

    def _answer(self, iface: str, member: str, body: tuple[Any, ...]) -> tuple[str, tuple] | None:
        reply = super()._answer(iface, member, body)
        if member == "Notify":
            self.last_id = self._next_id
        return reply

    def serve(self) -> None:
        threading.Thread(target=self._click_when_asked, daemon=True).start()
        super().serve()

    def _click_when_asked(self) -> None:
        from jeepney import DBusAddress, new_signal

        path = DBusAddress(
            "/org/freedesktop/Notifications", interface="org.freedesktop.Notifications"
        )
        done = 0
        while True:
            asked = len(self.clicks.read_text().splitlines()) if self.clicks.exists() else 0
            while done < asked:
                done += 1
                self.conn.send(new_signal(path, "ActionInvoked", "us", (self.last_id, "default")))
            time.sleep(0.05)


class Screen:
    """An Xvfb of its own, the size of the laptop's screen, whatever display the suite
    runs on."""

    def __init__(self, size: str) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as fh:
            self.display = ":" + fh.readline().strip()

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / name
        subprocess.run(
            ["import", "-display", self.display, "-window", "root", str(path)],
            check=True,
            timeout=30,
        )
        return path

    def _xdotool(self, *args: str) -> str:
        env = dict(os.environ, DISPLAY=self.display)
        done = subprocess.run(
            ["xdotool", *args], env=env, capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def keys(self, *combo: str) -> None:
        for key in combo:
            self._xdotool("key", "--clearmodifiers", key)

    def keys_to(self, window: str, *combo: str) -> None:
        self._xdotool("windowfocus", "--sync", window)
        self.keys(*combo)

    def window(self, title: str) -> str:
        found = wait(title, lambda: self._xdotool("search", "--onlyvisible", "--name", title))
        return str(found.split()[0])

    def windows(self) -> set[str]:
        return set(self._xdotool("search", "--onlyvisible", "--name", ".").split())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def screen(request: pytest.FixtureRequest) -> Iterator[Screen]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    s = Screen(request.param)
    try:
        yield s
    finally:
        s.stop()


def start_desktop(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    record, clicks = tmp_path / "notifications.jsonl", tmp_path / "clicks"
    module = "tests.e2e.test_window_e2e"
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "--fake-desktop", str(record), str(clicks)], cwd=ROOT
    )
    deadline = time.monotonic() + 15
    while not record.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("the fake desktop did not come up on the session bus")
        time.sleep(0.05)
    return proc, record, clicks


def notes(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in record.read_text().splitlines() if line]


def wait(what: str, check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def qr_in(png: Path) -> bool:
    done = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, timeout=30)
    return done.returncode == 0 and bool(done.stdout.strip())


@pytest.mark.parametrize(
    ("screen", "lang", "scale"),
    [
        # The common laptop at 100 %, and a sharper one at 150 % that gives the same
        # 1366×768 of room (2049×1152 pixels): the code must stay 260+ real pixels.
        pytest.param("1366x768", "en", "1", id="en-1366x768-100"),
        pytest.param("2049x1152", "es", "1.5", id="es-2049x1152-150"),
    ],
    indirect=["screen"],
)
def test_the_window_a_shop_owner_sees(
    screen: Screen, tmp_path: Path, lang: str, scale: str
) -> None:
    desktop, record, clicks = start_desktop(tmp_path)
    key = "e2e-key-" + "x" * 24
    env = {
        "DISPLAY": screen.display,
        "QT_QPA_PLATFORM": "xcb",
        "QT_SCALE_FACTOR": scale,
        "LANG": "en_US.UTF-8" if lang == "en" else "es_ES.UTF-8",
        "LANGUAGE": lang,
    }
    app = AppProcess(
        tmp_path / "d",
        command=[sys.executable, "-m", "lila_desktop"],
        headless=False,
        time_scale="0.2",  # quicker reconnects; the code still lives 12 s
        passphrase="e2e passphrase 123",
        api_key=key,
        env=env,
        extra_args=["--demo"],
    )
    try:
        assert event(app, "ready")["tray"] is True, "Qt did not find the tray host"
        # A fresh demo greets with the first run; the owner skips it from the keyboard
        # (Tab to "Skip: show me the demo numbers", Space) and the demo numbers follow.
        main = screen.window("Lila Desktop")
        screen.shot(f"first-run-{lang}.png")
        screen.keys_to(main, "Tab", "space")
        assert event(app, "first_run_skipped")
        app.wait_log(lambda d: "demo numbers ready" in str(d.get("msg", "")))
        # The demo's old phone was logged out: one notification, in the owner's language.
        first = wait("a notification over D-Bus", lambda: notes(record))[0]
        assert f"+{OLD}" in first["summary"]
        assert ("was logged out" in first["summary"]) == (lang == "en")
        # A drop that comes back by itself within the grace period tells nobody...
        seen = app.mark()
        app.ok("POST", f"/api/sessions/{SHOP}/simulate", {"event": "disconnect", "code": 408})
        app.wait_log(
            lambda d: (
                d.get("event") == "status"
                and d.get("phone") == SHOP
                and d.get("status") == "connected"
            ),
            start=seen,
        )
        # ...a logout does (and is the next notification: none came in between).
        app.ok("POST", f"/api/sessions/{SHOP}/simulate", {"event": "logout", "code": 401})
        wait("the second notification", lambda: len(notes(record)) >= 2)
        assert [f"+{SHOP}" in n["summary"] for n in notes(record)] == [False, True]

        # A click on it opens that number.
        clicks.write_text("click\n")
        assert event(app, "ui_opened")["phone"] == SHOP

        # The owner puts the last backup back with the keyboard: Ctrl+R, Enter confirms.
        before = screen.windows()
        screen.keys("ctrl+r")
        confirm = wait("the confirmation", lambda: screen.windows() - before)
        screen.keys_to(confirm.pop(), "Return")
        assert event(app, "ui_restored", 40, phone=SHOP)["accepted"] is True
        # Back to the Timeline tab (the restore showed its progress under Backups).
        screen.keys_to(main, "ctrl+shift+t")
        time.sleep(1.0)  # the repaint (a picture, not a check)
        screen.shot(f"main-window-{lang}.png")

        # The number waiting for its scan: its QR, inline, readable from a screenshot.
        screen.keys_to(main, "Home", "Down")
        wait("the inline QR on screen", lambda: qr_in(screen.shot(f"inline-qr-{lang}.png")), 20)
    except BaseException:
        screen.shot(f"failure-{lang}.png")
        raise
    finally:
        code = app.terminate()
        app.close()
        desktop.terminate()
        desktop.wait(10)
    assert code == 0


if __name__ == "__main__" and sys.argv[1:2] == ["--fake-desktop"]:
    ClickingDesktop(Path(sys.argv[2]), Path(sys.argv[3])).serve()
