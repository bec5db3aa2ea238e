"""Configuration resolved once: command line > environment > Settings > defaults.

The precedence table of issue 14, run against the pure `resolve()`; each
bad value gives one line that says what to change.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from lila_desktop.core.settings import Settings
from lila_desktop.services.config import (
    API_PORT_AUTO,
    CLI,
    DEFAULT,
    ENV,
    SETTINGS,
    CommandLine,
    ConfigError,
    check_data_dir,
    check_mongodb_uri,
    check_port_free,
    resolve,
)

ON_4000 = Settings(api_port=4000)
OFF = Settings(api_enabled=False, api_port=4000)


@pytest.mark.parametrize(
    ("cli_port", "env_port", "settings", "port", "source"),
    [
        # nothing given: the default
        (None, None, Settings(), 3001, DEFAULT),
        # Settings decide when neither the command line nor the environment speaks
        (None, None, ON_4000, 4000, SETTINGS),
        (None, None, OFF, 0, SETTINGS),
        # the environment beats Settings
        (None, "4100", ON_4000, 4100, ENV),
        (None, "4100", OFF, 4100, ENV),
        (None, "0", ON_4000, 0, ENV),
        # an explicit --api-port beats everything, even when it equals the default
        ("3001", None, ON_4000, 3001, CLI),
        ("3001", None, OFF, 3001, CLI),
        ("3001", "4100", ON_4000, 3001, CLI),
        ("0", "4100", ON_4000, 0, CLI),
        ("5555", None, Settings(), 5555, CLI),
        # `auto`: any free port (tests), from the command line or the environment
        ("auto", None, ON_4000, API_PORT_AUTO, CLI),
        (None, "auto", OFF, API_PORT_AUTO, ENV),
    ],
)
def test_api_port_precedence(
    cli_port: str | None, env_port: str | None, settings: Settings, port: int, source: str
) -> None:
    env = {} if env_port is None else {"LILA_API_PORT": env_port}
    config = resolve(CommandLine(api_port=cli_port), env, settings)
    assert (config.api_port, config.sources["api_port"]) == (port, source)
    assert config.api_enabled is (port != 0)


@pytest.mark.parametrize(
    ("env", "settings", "limit", "source"),
    [
        ({}, Settings(), 1000, DEFAULT),
        ({}, Settings(quota_limit=250), 250, SETTINGS),
        ({"LILA_QUOTA_LIMIT": "40"}, Settings(quota_limit=250), 40, ENV),
        ({"LILA_QUOTA_LIMIT": "  "}, Settings(quota_limit=250), 250, SETTINGS),
    ],
)
def test_quota_limit_precedence(
    env: dict[str, str], settings: Settings, limit: int, source: str
) -> None:
    config = resolve(CommandLine(), env, settings)
    assert (config.quota_limit, config.sources["quota_limit"]) == (limit, source)


def test_the_rest_comes_through_frozen(tmp_path: Path) -> None:
    env = {
        "LILA_API_KEY": "k" * 20,
        "LILA_VAULT_PASSPHRASE": "correct horse",
        "LILA_MONGODB_URI": "mongodb://u:p@portal.example:27017/db",
    }
    settings = Settings(company_id="tienda", keep_backups=9)
    config = resolve(CommandLine(data_dir=tmp_path / "d", demo=True), env, settings)
    assert config.transport == "simulated"  # --demo
    assert config.data_dir == (tmp_path / "d").resolve()
    assert config.api_key == "k" * 20 and config.passphrase == "correct horse"
    assert config.mongodb_uri == env["LILA_MONGODB_URI"]
    assert config.settings is settings
    assert "correct horse" not in repr(config) and "u:p@" not in repr(config)
    with pytest.raises(AttributeError):
        config.api_port = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.sources["api_port"] = CLI  # type: ignore[index]


BAD = [
    pytest.param(
        {"LILA_VAULT_PASSPHRASE": "7 chars"}, "LILA_VAULT_PASSPHRASE is too short", id="pass-short"
    ),
    pytest.param({"LILA_VAULT_PASSPHRASE": ""}, "LILA_VAULT_PASSPHRASE is empty", id="pass-empty"),
    pytest.param({"LILA_VAULT_PASSPHRASE": "   "}, "is empty", id="pass-blank"),
    pytest.param({"LILA_API_KEY": "short"}, "LILA_API_KEY must be 16 to 256", id="key-short"),
    pytest.param({"LILA_API_KEY": "x" * 20 + " y"}, "without spaces", id="key-space"),
    pytest.param({"LILA_QUOTA_LIMIT": "0"}, "LILA_QUOTA_LIMIT must be a positive", id="limit-0"),
    pytest.param({"LILA_QUOTA_LIMIT": "ten"}, "LILA_QUOTA_LIMIT must be a positive", id="limit-x"),
    pytest.param({"LILA_MONGODB_URI": "portal:27017"}, "not a MongoDB connection", id="uri"),
    pytest.param({"LILA_API_PORT": "http"}, "LILA_API_PORT) must be a number", id="env-port"),
    pytest.param({"LILA_API_PORT": "65536"}, "from 1 to 65535", id="env-port-range"),
]


@pytest.mark.parametrize(("env", "words"), BAD)
def test_a_bad_environment_value_is_one_plain_line(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(), env, Settings())
    line = str(info.value)
    assert words in line and "\n" not in line and info.value.exit_code == 2
    assert "unset" in line or "--api-port" in line or "must be" in line  # says what to change


@pytest.mark.parametrize("port", ["-1", "65536", "99999", "abc", ""])
def test_a_bad_command_line_port_is_refused(port: str) -> None:
    with pytest.raises(ConfigError, match=r"API port \(--api-port\) must be a number from 1"):
        resolve(CommandLine(api_port=port), {}, Settings())


def test_a_secret_is_never_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        resolve(CommandLine(), {"LILA_MONGODB_URI": "http://admin:s3cret@host"}, Settings())
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("mongodb://u:p@host:27017/db?tls=true", True),
        ("mongodb+srv://u:p@cluster0.example.net/", True),
        ("mongodb://a:1,b:2/?replicaSet=r", True),
        ("mongodb://[::1]:27017", True),
        ("mongodb://", False),
        ("mongodb://host:port", False),
        ("mongodb://host:99999", False),
        ("mongodb://ho st", False),
        ("postgres://host", False),
        ("garbage", False),
    ],
)
def test_mongodb_uri_shape(uri: str, ok: bool) -> None:
    assert check_mongodb_uri(uri) is ok


def test_the_data_folder_must_be_a_writable_folder(tmp_path: Path) -> None:
    check_data_dir(tmp_path / "new" / "data")  # created
    assert (tmp_path / "new" / "data").is_dir()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        check_data_dir(a_file)
    with pytest.raises(ConfigError, match="cannot be created"):
        check_data_dir(a_file / "data")


def test_a_taken_port_is_found_before_anything_starts() -> None:
    check_port_free(0)  # off: nothing to check
    check_port_free(API_PORT_AUTO)  # any free port: nothing to check
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigError, match="already in use") as info:
            check_port_free(port)
    assert info.value.exit_code == 3 and "--api-port" in str(info.value)
