"""The start configuration: resolved once, checked once, frozen.

Every value the app starts with comes from the first of these that has it:

    command line  >  environment  >  Settings (settings.json)  >  defaults

`resolve()` is pure (it is given the parsed command line, a copy of the
environment and the loaded Settings) so the precedence is tested as a table.
Nothing else in the package reads the environment for these values; the
runtime is handed the frozen `RuntimeConfig`.

A value that cannot be used raises `ConfigError`, whose text is one plain
line saying what to change; the faces show it (a dialog, or stderr) and exit
with `ConfigError.exit_code`, never with a traceback.
"""

from __future__ import annotations

import errno
import socket
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final

import platformdirs

from lila_desktop.core.messages import Code, Message
from lila_desktop.core.quota import parse_limit
from lila_desktop.core.settings import Settings
from lila_desktop.services.vault.atomic import UnsafeDirectory, ensure_private_dir
from lila_desktop.services.wording import english

API_PORT_ENV: Final = "LILA_API_PORT"
# `--api-port auto`: a port the OS picks, named in the 'api_listening' log line
# (tests and tools start many apps at once: no port race).
API_PORT_AUTO: Final = -1
API_KEY_ENV: Final = "LILA_API_KEY"
LIMIT_ENV: Final = "LILA_QUOTA_LIMIT"
MONGODB_URI_ENV: Final = "LILA_MONGODB_URI"
PASSPHRASE_ENV: Final = "LILA_VAULT_PASSPHRASE"
MIN_PASSPHRASE: Final = 8
MIN_API_KEY: Final = 16
API_HOST: Final = "127.0.0.1"

# Where a value came from, as `RuntimeConfig.sources` reports it (logs, tests).
CLI: Final = "command line"
ENV: Final = "environment"
SETTINGS: Final = "settings"
DEFAULT: Final = "default"


EXIT_CONFIG: Final = 2  # a start value the owner must change
EXIT_PORT: Final = 3  # the API port is taken (kept from earlier releases)
EXIT_ALREADY_RUNNING: Final = 4  # another copy runs for this data folder


class ConfigError(Exception):
    """A start value that cannot be used; `str(e)` is one line saying what to change.

    `message` is the same as a code and parameters, for a face that words it in
    the owner's language (the window's dialog); `str(e)` is its English.
    """

    def __init__(self, message: Message, exit_code: int = EXIT_CONFIG) -> None:
        super().__init__(english(message))
        self.message = message
        self.exit_code = exit_code


def refusal(code: Code, exit_code: int = EXIT_CONFIG, **params: str | int | None) -> ConfigError:
    return ConfigError(Message.of(code, **params), exit_code)


@dataclass(frozen=True)
class CommandLine:
    """What the command line said; None means "not given" (so an explicit value wins)."""

    data_dir: Path | None = None
    transport: str | None = None
    headless: bool = False
    demo: bool = False
    api_port: str | None = None
    json_logs: bool = False
    log_level: str = "INFO"


@dataclass(frozen=True)
class RuntimeConfig:
    """Everything the runtime starts with; built by `resolve()`, never changed."""

    data_dir: Path
    transport: str
    headless: bool
    demo: bool
    api_port: int  # 0: the local API is off; API_PORT_AUTO: any free port
    json_logs: bool
    log_level: str
    settings: Settings
    quota_limit: int
    api_key: str | None = field(default=None, repr=False)
    mongodb_uri: str | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # What the owner must hear about the start (a settings file that was kept aside).
    notices: tuple[Message, ...] = ()

    @property
    def api_enabled(self) -> bool:
        return self.api_port != 0

    @property
    def api_bind_port(self) -> int:
        """The port to bind: `auto` binds 0 (the OS picks; no race with another process)."""
        return 0 if self.api_port == API_PORT_AUTO else self.api_port


def default_data_dir(demo: bool) -> Path:
    base = Path(platformdirs.user_data_dir("lila-desktop", "Lila"))
    return base.with_name(base.name + "-demo") if demo else base


def resolve_data_dir(cli: CommandLine) -> Path:
    """The data folder first: Settings live in it."""
    path = cli.data_dir if cli.data_dir is not None else default_data_dir(cli.demo)
    return path.expanduser().resolve()


def resolve(cli: CommandLine, env: Mapping[str, str], settings: Settings) -> RuntimeConfig:
    """Apply command line > environment > Settings > defaults. Pure.

    Raises:
        ConfigError: a value that cannot be used; the text says what to change.
    """
    sources: dict[str, str] = {}
    transport = cli.transport or ("simulated" if cli.demo else "neonize")
    if cli.demo and transport != "simulated":
        raise refusal(Code.START_DEMO_TRANSPORT)

    port_env = env.get(API_PORT_ENV, "").strip()
    if cli.api_port is not None:
        api_port, sources["api_port"] = _port(cli.api_port, "--api-port"), CLI
    elif port_env:
        api_port, sources["api_port"] = _port(port_env, API_PORT_ENV), ENV
    else:
        api_port = settings.api_port if settings.api_enabled else 0
        chosen = _differs(settings, "api_enabled") or _differs(settings, "api_port")
        sources["api_port"] = SETTINGS if chosen else DEFAULT

    limit_env = env.get(LIMIT_ENV, "").strip()
    if limit_env:
        try:
            quota_limit = parse_limit(limit_env, source=LIMIT_ENV)
        except ValueError:
            raise refusal(Code.START_QUOTA_LIMIT, value=limit_env) from None
        sources["quota_limit"] = ENV
    else:
        quota_limit = settings.quota_limit
        sources["quota_limit"] = SETTINGS if _differs(settings, "quota_limit") else DEFAULT

    api_key = _api_key(env)
    passphrase = _passphrase(env)
    mongodb_uri = _mongodb_uri(env)
    for name, value in (("api_key", api_key), ("passphrase", passphrase), ("uri", mongodb_uri)):
        sources[name] = ENV if value is not None else DEFAULT
    return RuntimeConfig(
        data_dir=resolve_data_dir(cli),
        transport=transport,
        headless=cli.headless,
        demo=cli.demo,
        api_port=api_port,
        json_logs=cli.json_logs,
        log_level=cli.log_level,
        settings=settings,
        quota_limit=quota_limit,
        api_key=api_key,
        mongodb_uri=mongodb_uri,
        passphrase=passphrase,
        sources=MappingProxyType(sources),
    )


def _differs(settings: Settings, name: str) -> bool:
    return bool(getattr(settings, name) != getattr(Settings(), name))


def _port(text: str, source: str) -> int:
    if text.strip() == "auto":
        return API_PORT_AUTO
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise refusal(Code.START_API_PORT, source=source, value=text.strip())
    return value


def _api_key(env: Mapping[str, str]) -> str | None:
    raw = env.get(API_KEY_ENV)
    if raw is None:
        return None
    value = raw.strip()
    if not (MIN_API_KEY <= len(value) <= 256) or not all("!" <= c <= "~" for c in value):
        raise refusal(Code.START_API_KEY, min=MIN_API_KEY)
    return value


def _passphrase(env: Mapping[str, str]) -> str | None:
    raw = env.get(PASSPHRASE_ENV)
    if raw is None:
        return None
    if len(raw.strip()) < MIN_PASSPHRASE:
        empty = not raw.strip()
        code = Code.START_PASSPHRASE_EMPTY if empty else Code.START_PASSPHRASE_SHORT
        raise refusal(code, min=MIN_PASSPHRASE)
    return raw


def _mongodb_uri(env: Mapping[str, str]) -> str | None:
    raw = env.get(MONGODB_URI_ENV, "").strip()
    if not raw:
        return None
    if not check_mongodb_uri(raw):
        raise refusal(Code.START_MONGODB_URI)
    return raw


def check_mongodb_uri(uri: str) -> bool:
    """A plausible MongoDB URI: the scheme, a host, no spaces. Never echoes it (password).

    pymongo's own parser is not used: for mongodb+srv it asks DNS, and start-up
    must not wait on the network (the ledger reports an unreachable portal).
    """
    scheme = next((s for s in ("mongodb://", "mongodb+srv://") if uri.startswith(s)), None)
    if scheme is None or any(c.isspace() for c in uri):
        return False
    hosts = uri[len(scheme) :].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return bool(hosts) and all(_host_ok(host) for host in hosts.split(","))


def _host_ok(host: str) -> bool:
    if host.startswith("["):  # an IPv6 literal: [::1]:27017
        name, bracket, port = host[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return False
        port = port[1:]
    else:
        name, _, port = host.partition(":")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    return bool(name) and all(c.isalnum() or c in ".-_:%" for c in name)


def check_data_dir(path: Path) -> None:
    """The data folder exists (or can be made), is a folder, and we can write in it.

    Raises:
        ConfigError: it is a file, or cannot be created or written.
    """
    if path.exists() and not path.is_dir():
        raise refusal(Code.START_DATA_DIR_FILE, path=str(path))
    try:
        ensure_private_dir(path)  # logs and lists name the owner's numbers
    except UnsafeDirectory:
        raise refusal(Code.START_DATA_DIR_UNSAFE, path=str(path)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise refusal(Code.START_DATA_DIR_CREATE, path=str(path), reason=reason) from None
    try:  # a real write: access() says yes to root on a read-only mount
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError:
        raise refusal(Code.START_DATA_DIR_WRITE, path=str(path)) from None


def check_port_free(port: int) -> None:
    """The API port can be bound on loopback now (0, off, is always fine).

    Raises:
        ConfigError: it is taken or not allowed (exit code 3).
    """
    if port in (0, API_PORT_AUTO):
        return
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if sys.platform != "win32":  # the API itself binds with SO_REUSEADDR
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((API_HOST, port))
    except OSError as exc:
        raise port_refusal(port, exc) from None
    finally:
        probe.close()


def port_refusal(port: int, exc: OSError) -> ConfigError:
    """A port that cannot be bound, as a refusal with the API port's exit code."""
    if exc.errno == errno.EADDRINUSE:
        return refusal(Code.START_PORT_IN_USE, EXIT_PORT, port=port)
    reason = exc.strerror or str(exc)
    return refusal(Code.START_PORT_UNUSABLE, EXIT_PORT, port=port, reason=reason)
