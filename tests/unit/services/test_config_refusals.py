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
from lila_desktop.core.settings import Settings
from lila_desktop.services.config import (
    DEFAULT,
    ENV,
    EXIT_CONFIG,
    EXIT_PORT,
    CommandLine,
    ConfigError,
    check_data_dir,
    check_mongodb_uri,
    check_port_free,
    default_data_dir,
    port_refusal,
    resolve,
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


# --- resolve(): what the command line and the environment hand the runtime


def test_without_a_choice_the_transport_is_whatsapp_and_demo_is_simulated() -> None:
    assert resolve(CommandLine(), {}, Settings()).transport == "neonize"
    assert resolve(CommandLine(demo=True), {}, Settings()).transport == "simulated"
    assert resolve(CommandLine(transport="simulated"), {}, Settings()).transport == "simulated"
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(demo=True, transport="neonize"), {}, Settings())
    assert info.value.message.code is Code.START_DEMO_TRANSPORT
    assert str(info.value) == "--demo runs on the simulated transport; drop --transport neonize."


@pytest.mark.parametrize(
    "cli",
    [
        CommandLine(headless=True, json_logs=True, log_level="DEBUG"),
        CommandLine(demo=True, log_level="WARNING"),
    ],
)
def test_the_command_line_switches_reach_the_runtime(cli: CommandLine) -> None:
    config = resolve(cli, {}, Settings())
    got = (config.headless, config.demo, config.json_logs, config.log_level)
    assert got == (cli.headless, cli.demo, cli.json_logs, cli.log_level)


def test_the_sources_of_the_secrets_are_reported_never_their_values() -> None:
    env = {
        "LILA_API_KEY": "k" * 16,
        "LILA_VAULT_PASSPHRASE": "12345678",
        "LILA_MONGODB_URI": "mongodb://u:p@portal.example/",
    }
    given = resolve(CommandLine(), env, Settings()).sources
    assert {k: given[k] for k in ("api_key", "passphrase", "uri")} == dict.fromkeys(
        ("api_key", "passphrase", "uri"), ENV
    )
    unset = resolve(CommandLine(), {}, Settings()).sources
    assert {k: unset[k] for k in ("api_key", "passphrase", "uri")} == dict.fromkeys(
        ("api_key", "passphrase", "uri"), DEFAULT
    )
    for value in env.values():
        assert value not in repr(dict(given))


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("k" * 16, True),
        ("k" * 15, False),
        ("k" * 256, True),
        ("k" * 257, False),
        ("!" * 16, True),  # the first printable character
        ("~" * 16, True),  # and the last
        ("k" * 15 + "\x7f", False),  # DEL is not printable
        ("k" * 15 + "é", False),
    ],
)
def test_the_api_key_is_16_to_256_printable_characters(key: str, ok: bool) -> None:
    env = {"LILA_API_KEY": key}
    if ok:
        assert resolve(CommandLine(), env, Settings()).api_key == key
        return
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(), env, Settings())
    assert str(info.value).startswith("LILA_API_KEY must be 16 to 256 printable characters")


def test_a_passphrase_of_exactly_the_minimum_is_taken_and_a_short_one_says_the_minimum() -> None:
    config = resolve(CommandLine(), {"LILA_VAULT_PASSPHRASE": "12345678"}, Settings())
    assert config.passphrase == "12345678"
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(), {"LILA_VAULT_PASSPHRASE": "1234567"}, Settings())
    assert "too short: use at least 8 characters" in str(info.value)


def test_a_refused_value_is_quoted_back() -> None:
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(api_port=" http "), {}, Settings())
    assert str(info.value).endswith("got 'http'.")
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(), {"LILA_QUOTA_LIMIT": "ten"}, Settings())
    assert "got 'ten'. Fix or unset LILA_QUOTA_LIMIT." in str(info.value)
    assert resolve(CommandLine(api_port="65535"), {}, Settings()).api_port == 65535
