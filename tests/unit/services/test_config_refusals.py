"""Start values refused with the words the owner needs, and where the data lives.

Each refusal names what is wrong (the folder, the port, the system's reason)
and its exit code; the data folder's default name is where earlier releases
kept the owner's numbers. Found open by mutation testing (issue 12).
"""

from __future__ import annotations

import errno
import socket
import sys
from pathlib import Path

import pytest

from lila_desktop.core.messages import Code
from lila_desktop.services.config import (
    EXIT_CONFIG,
    EXIT_PORT,
    CommandLine,
    ConfigError,
    check_data_dir,
    check_mongodb_uri,
    check_port_free,
    default_data_dir,
    port_refusal,
    resolve_data_dir,
)


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("mongodb://[::1]:27017/db", True),
        ("mongodb://[::1]", True),
        ("mongodb://[::1]27017", False),  # after the bracket, only ":port"
        ("mongodb://[::1:27017", False),  # no closing bracket
        ("mongodb://[::1]:99999", False),
        ("mongodb://[::1]:0", False),
        ("mongodb://host:0", False),
        ("mongodb://host:65535", True),
        ("mongodb://host:65536", False),
        ("mongodb://host:1", True),
        ("mongodb://bad$host:27017", False),
        ("mongodb://u:p@bad/host", True),  # the path starts at the first slash
        ("mongodb://u:p@a:1,bad!:2/", False),  # every host of a replica set
        # Options may hold paths; a password may hold an unescaped "@".
        ("mongodb://u:p@host:27017/db?tls=true&tlsCAFile=/etc/ssl/ca.pem", True),
        ("mongodb://u:p@ss@host:27017/", True),
    ],
)
def test_a_mongodb_host_must_be_plausible(uri: str, ok: bool) -> None:
    assert check_mongodb_uri(uri) is ok


def test_a_data_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    a_file = tmp_path / "datos"
    a_file.write_text("x")
    with pytest.raises(ConfigError) as info:
        check_data_dir(a_file)
    assert info.value.message.code is Code.START_DATA_DIR_FILE
    assert f"The data folder {a_file} is a file" in str(info.value)
    assert info.value.exit_code == EXIT_CONFIG


def test_a_data_folder_that_cannot_be_made_says_why(tmp_path: Path) -> None:
    a_file = tmp_path / "datos"
    a_file.write_text("x")
    with pytest.raises(ConfigError) as info:
        check_data_dir(a_file / "data")
    assert info.value.message.code is Code.START_DATA_DIR_CREATE
    assert f"{a_file / 'data'} cannot be created (Not a directory)" in str(info.value)


@pytest.mark.skipif(sys.platform == "win32", reason="a link is refused on POSIX only")
def test_a_data_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with pytest.raises(ConfigError) as info:
        check_data_dir(link)
    assert info.value.message.code is Code.START_DATA_DIR_UNSAFE
    assert f"The data folder {link} is a link" in str(info.value)


def test_a_port_refusal_names_the_port_and_the_reason() -> None:
    taken = port_refusal(4321, OSError(errno.EADDRINUSE, "Address already in use"))
    assert taken.message.code is Code.START_PORT_IN_USE and taken.exit_code == EXIT_PORT
    assert str(taken).startswith("Port 4321 is already in use")
    denied = port_refusal(80, OSError(errno.EACCES, "Permission denied"))
    assert denied.message.code is Code.START_PORT_UNUSABLE and denied.exit_code == EXIT_PORT
    assert "cannot listen on 127.0.0.1:80 (Permission denied)" in str(denied)
    bare = port_refusal(81, OSError("no reason given"))  # no errno, no strerror
    assert "127.0.0.1:81 (no reason given)" in str(bare)


def test_a_taken_port_is_named_in_the_refusal() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError) as info:
            check_port_free(port)
    assert str(info.value).startswith(f"Port {port} is already in use")


@pytest.mark.skipif(sys.platform == "win32", reason="SO_REUSEADDR means something else there")
def test_a_port_the_last_run_left_closing_is_free() -> None:
    # The API binds with SO_REUSEADDR, so a connection of the last run still
    # closing (TIME_WAIT) does not keep it from starting: the check agrees.
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    client.close()
    server.close()
    check_port_free(port)


def test_the_data_folder_is_where_earlier_releases_kept_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if sys.platform != "linux":
        pytest.skip("XDG_DATA_HOME is the Linux rule")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_data_dir(demo=False) == tmp_path / "lila-desktop"
    assert default_data_dir(demo=True) == tmp_path / "lila-desktop-demo"  # never the real one
    assert resolve_data_dir(CommandLine()) == tmp_path / "lila-desktop"
    assert resolve_data_dir(CommandLine(demo=True)) == tmp_path / "lila-desktop-demo"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    given = resolve_data_dir(CommandLine(data_dir=Path("~/datos"), demo=True))
    assert given == tmp_path / "home" / "datos"  # the owner's folder wins, ~ expanded
