"""The real app under Xvfb, as a user would drive it (keyboard, through xdotool),
with a tray host and a D-Bus notification recorder on the session bus.

Flow: start `lila-desktop` (simulated transport) -> Ctrl+N, type a number,
Enter: the QR dialog (screenshot) -> "Simulate scan" (Alt+S) links it -> a
logout is injected through the local API -> the notification must arrive
over D-Bus -> Ctrl+R on the backup timeline, Enter to confirm: restored and
connected (screenshots of the window and the timeline) -> a second launch
only brings the first window forward -> SIGTERM ends it cleanly.

Needs: DISPLAY (Xvfb), a D-Bus session bus, xdotool and ImageMagick's
`import` (scripts/test.sh provides all of them).
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.harness.app_process import AppProcess

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
PHONE = "51987654321"

WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"


def _missing() -> str | None:
    if not os.environ.get("DISPLAY"):
        return "needs an X display (run under xvfb-run, as scripts/test.sh does)"
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "needs a D-Bus session bus (dbus-run-session, as scripts/test.sh does)"
    for tool in ("xdotool", "import"):
        if shutil.which(tool) is None:
            return f"needs {tool} (Debian: xdotool, imagemagick)"
    return None


# --- a tray host and a notification recorder on the session bus -------------


class FakeDesktop:
    """Owns org.kde.StatusNotifierWatcher (so Qt finds a tray host) and
    org.freedesktop.Notifications, and writes every Notify call as a JSON line.

    It runs in a process of its own (`python test_gui_e2e.py --fake-desktop FILE`):
    a thread of the test process could end up running the garbage collector on
    Qt objects left by other tests, which Qt does not survive.
    """

    def __init__(self, record: Path) -> None:
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(bus="SESSION")
        self.record = record
        self.items: list[str] = []
        self._next_id = 0

    def serve(self) -> None:
        from jeepney import MessageType
        from jeepney.bus_messages import message_bus
        from jeepney.wrappers import new_error, new_method_return

        for name in (WATCHER, NOTIFICATIONS):
            reply = self.conn.send_and_get_reply(message_bus.RequestName(name, 4))
            if reply.body[0] != 1:
                raise SystemExit(f"could not own {name} on the session bus")
        self.record.write_text("")  # ready
        while True:
            msg = self.conn.receive()
            h = msg.header
            if h.message_type is not MessageType.method_call:
                continue
            iface = h.fields.get(2)  # HeaderFields.interface
            member = h.fields.get(3)
            reply = self._answer(iface, member, msg.body)
            if reply is None:
                out = new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))
            else:
                out = new_method_return(msg, *reply)
            self.conn.send(out)

    def _answer(self, iface: str, member: str, body: tuple[Any, ...]) -> tuple[str, tuple] | None:
        watcher_props = {
            "IsStatusNotifierHostRegistered": ("b", True),
            "ProtocolVersion": ("i", 0),
            "RegisteredStatusNotifierItems": ("as", list(self.items)),
        }
        if iface == "org.freedesktop.DBus.Properties" and member == "Get":
            prop = watcher_props.get(body[1])
            return None if prop is None else ("v", (prop,))
        if iface == "org.freedesktop.DBus.Properties" and member == "GetAll":
            return ("a{sv}", (watcher_props,))
        if member in ("RegisterStatusNotifierItem", "RegisterStatusNotifierHost"):
            self.items.append(str(body[0]))
            return ("", ())
        if member == "GetCapabilities":
            return ("as", (["body", "actions"],))
        if member == "GetServerInformation":
            return ("ssss", ("lila-e2e-recorder", "lila", "1", "1.2"))
        if member == "Notify":
            self._next_id += 1
            app, _replaces, _icon, summary, text = body[:5]
            with self.record.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"app": app, "summary": summary, "body": text}) + "\n")
            return ("u", (self._next_id,))
        if member == "CloseNotification":
            return ("", ())
        if iface == "org.freedesktop.DBus.Introspectable":
            return ("s", ("<node/>",))
        if iface == "org.freedesktop.DBus.Peer" and member == "Ping":
            return ("", ())
        return None


# --- the app as a subprocess, followed through its JSON log lines ------------


def event(app: AppProcess, name: str, timeout: float = 30.0, **fields: Any) -> dict[str, Any]:
    """The app's log line of event `name` with these fields (waits for it)."""
    return app.wait_log(
        lambda d: d.get("event") == name and all(d.get(k) == v for k, v in fields.items()),
        timeout,
    )


def xdotool(*args: str) -> str:
    done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20)
    return done.stdout.strip()


def window_id(title: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ids = xdotool("search", "--onlyvisible", "--name", title).split()
        if ids:
            return ids[-1]
        time.sleep(0.1)
    raise AssertionError(f"no visible window titled {title!r}")


def focus(window: str) -> None:
    """Until X says `window` is active and has the keyboard focus."""
    xdotool("windowactivate", "--sync", window)
    xdotool("windowfocus", "--sync", window)


def keys(window: str, *combo: str) -> None:
    """Press keys in `window`; the caller then waits for their effect (a window, a log line)."""
    focus(window)
    for key in combo:
        xdotool("key", "--clearmodifiers", key)


def shot(window: str, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    time.sleep(0.4)  # only a picture: let the last repaint land (nothing is checked on it)
    subprocess.run(["import", "-window", window, str(path)], check=True, timeout=30)
    assert path.stat().st_size > 5_000
    return path


def crop_timeline(window_png: Path, out: Path) -> None:
    """The lower part of the window: the Backups tab with its outcome line."""
    from PIL import Image

    with Image.open(window_png) as img:
        width, height = img.size
        img.crop((0, int(height * 0.48), width, height)).save(out)


class Desktop:
    """The fake desktop process and what it recorded."""

    def __init__(self, record: Path) -> None:
        self.record = record
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.test_gui_e2e", "--fake-desktop", str(record)],
            cwd=ROOT,
        )
        deadline = time.monotonic() + 15
        while not record.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the fake desktop did not come up on the session bus")
            time.sleep(0.05)

    @property
    def notifications(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.record.read_text().splitlines() if line]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    fake = Desktop(tmp_path / "notifications.jsonl")
    try:
        yield fake
    finally:
        fake.stop()


def launch(data_dir: Path, key: str, *, port: int | None = None) -> AppProcess:
    """The window app; the API on a port the OS picks, or on `port` (a second launch)."""
    env = {"QT_QPA_PLATFORM": "xcb", "LANG": "en_US.UTF-8", "QT_SCALE_FACTOR": None}
    return AppProcess(
        data_dir,
        command=[sys.executable, "-m", "lila_desktop"],
        headless=False,
        time_scale="1",  # real QR timing: the dialog must stay up for its screenshot
        passphrase="e2e passphrase 123",
        api_key=key,
        env=env,
        api=port is None,
        extra_args=[] if port is None else ["--api-port", str(port)],
    )


def test_link_logout_notify_restore_through_the_window(desktop: Desktop, tmp_path: Path) -> None:
    key = "e2e-key-" + "x" * 24
    data_dir = tmp_path / "data"
    app = launch(data_dir, key)
    try:
        event(app, "window_shown")
        ready = event(app, "ready")
        assert ready["tray"] is True, "Qt did not find the tray host on the session bus"
        main = window_id("Lila Desktop")

        # Add a number with the keyboard; the QR appears inline.
        keys(main, "ctrl+n")
        dialog = window_id("Add a number")
        focus(dialog)
        xdotool("type", "--delay", "20", "+51 987 654 321")
        keys(dialog, "Return")
        event(app, "status", phone=PHONE, status="qr")
        shot(dialog, "qr-dialog.png")
        keys(dialog, "alt+s")  # "Simulate scan (demo)"
        event(app, "ui_linked", phone=PHONE)
        app.wait_log(lambda d: "backup of " + PHONE in str(d.get("msg", "")))  # the first one

        # WhatsApp logs the number out: the owner is told over D-Bus.
        code, _ = app.call(
            "POST",
            f"/api/sessions/{PHONE}/simulate",
            {"event": "logout", "code": 401},
        )
        assert code == 200
        event(app, "status", phone=PHONE, status="logged_out")
        deadline = time.monotonic() + 20
        while not desktop.notifications and time.monotonic() < deadline:
            time.sleep(0.1)
        assert desktop.notifications, "no Notify call reached the session bus"
        note = desktop.notifications[-1]
        assert note["summary"] == f"+{PHONE} was logged out"
        assert "Press Restore to try the last backup" in note["body"]

        # Restore from the timeline: Ctrl+R, Enter confirms.
        keys(main, "ctrl+r")
        confirm = window_id("Restore a backup")
        keys(confirm, "Return")
        restored = event(app, "ui_restored", 40, phone=PHONE)
        assert restored["accepted"] is True
        event(app, "status", phone=PHONE, status="connected")
        # Only for the picture (the checks are the log lines above and the API
        # below): the outcome text and the green row have no log line of their own.
        time.sleep(1.2)
        window_png = shot(main, "main-window.png")
        crop_timeline(window_png, SHOTS / "backup-timeline.png")
        assert app.status(PHONE)["status"] == "connected"

        # A second launch shows the first window and exits 0.
        with launch(data_dir, key, port=app.port) as second:
            assert second.proc.wait(30) == 0
        event(app, "show_requested")
    except BaseException:
        SHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["import", "-window", "root", str(SHOTS / "e2e-failure.png")], timeout=30, check=False
        )
        raise
    finally:
        code = app.terminate(60)
        app.close()
    assert code == 0
    event(app, "stopped")


if __name__ == "__main__" and sys.argv[1:2] == ["--fake-desktop"]:
    FakeDesktop(Path(sys.argv[2])).serve()
