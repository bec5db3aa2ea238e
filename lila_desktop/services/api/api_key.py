"""The local API's key: `LILA_API_KEY`, else the OS keyring, else a key for this run.

Order:
1. `LILA_API_KEY` (16 to 256 printable ASCII characters): for scripts and
   services that must know the key in advance.
2. The OS keyring, service `lila-desktop`, entry `api-key`: created on first
   run (256 random bits), the same on every start, shown in Settings.
3. No usable keyring (headless server, locked keyring): a fresh key for this
   run only, written to `<data dir>/api-key.txt` readable by this user only
   (0600), and removed again at shutdown. Why not refuse, as the vault does?
   The vault's refusal protects WhatsApp credentials that would otherwise sit
   in plaintext for good; this key only guards a loopback port for as long as
   the app runs, and a file only the owner can read is exactly the protection
   every other file of the data folder has. Refusing would leave a headless
   install without its API for no gain. The key itself is never logged.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import keyring
import keyring.backend

from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.logs import register_secret
from lila_desktop.services.vault.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)

SERVICE_NAME: Final = "lila-desktop"
KEY_USERNAME: Final = "api-key"
API_KEY_ENV: Final = "LILA_API_KEY"
RUN_KEY_FILE: Final = "api-key.txt"
_KEY = re.compile(r"[\x21-\x7e]{16,256}")  # printable ASCII: safe in an HTTP header

KeySource = Literal["env", "keyring", "run-file"]


class ApiKeyError(ValueError):
    """`LILA_API_KEY` is set to something that cannot be an API key."""


@dataclass(frozen=True)
class ApiKey:
    """The key and where it came from (`where` is safe to show; `value` is not logged)."""

    value: str = field(repr=False)
    source: KeySource
    where: str
    file: Path | None = None

    def __post_init__(self) -> None:
        register_secret(self.value)

    def matches(self, candidate: str | None) -> bool:
        """Constant-time comparison, so response timing does not leak the key."""
        if candidate is None:
            return False
        given = candidate.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, self.value.encode("ascii"))


def generate_key() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits, 43 URL-safe characters


def check_key(text: str, source: str = API_KEY_ENV) -> str:
    if not _KEY.fullmatch(text):
        raise ApiKeyError(
            f"{source} must be 16 to 256 printable ASCII characters without spaces; "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return text


def load_api_key(
    data_dir: Path,
    *,
    environ: Mapping[str, str] | None = None,
    backend: keyring.backend.KeyringBackend | None = None,
) -> ApiKey:
    """Find or create the API key (blocking: keyring calls; use `obtain_api_key`)."""
    env = os.environ if environ is None else environ
    configured = env.get(API_KEY_ENV, "").strip()
    if configured:
        return ApiKey(check_key(configured), "env", f"the environment variable {API_KEY_ENV}")
    where = f"the system keyring (service {SERVICE_NAME!r}, entry {KEY_USERNAME!r})"
    try:
        value = _from_keyring(backend or keyring.get_keyring())
    except Exception as exc:  # backends raise their own types (jeepney, dbus, WinError)
        return _run_key(data_dir, reason=f"{type(exc).__name__}: {exc}")
    return ApiKey(value, "keyring", where)


def _from_keyring(backend: keyring.backend.KeyringBackend) -> str:
    if type(backend).__module__.startswith("keyrings.alt"):
        raise RuntimeError(f"{type(backend).__name__} keeps secrets in a plain file")
    stored = backend.get_password(SERVICE_NAME, KEY_USERNAME)
    if stored is not None and _KEY.fullmatch(stored):
        return stored
    if stored is not None:
        # Unlike the vault key, nothing depends on the old value: replace it.
        logger.warning("the API key in the keyring was not usable; creating a new one")
    backend.set_password(SERVICE_NAME, KEY_USERNAME, generate_key())
    kept = backend.get_password(SERVICE_NAME, KEY_USERNAME)  # a null backend keeps nothing
    if kept is None or not _KEY.fullmatch(kept):
        raise RuntimeError("the keyring did not keep the API key")
    logger.info("created the local API key in the system keyring")
    return kept


def _run_key(data_dir: Path, *, reason: str) -> ApiKey:
    path = data_dir / RUN_KEY_FILE
    value = generate_key()
    data_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, (value + "\n").encode("ascii"))  # 0600, crash-safe
    logger.warning(
        "No usable system keyring for the API key (%s). A key for this run only is in %s "
        "(readable only by you); set %s to use a fixed key instead.",
        reason,
        path,
        API_KEY_ENV,
        extra={"event": "api_key_run_file", "path": str(path)},
    )
    return ApiKey(value, "run-file", str(path), file=path)


def discard_run_key(key: ApiKey) -> None:
    """Remove a per-run key file at shutdown (a no-op for the other sources)."""
    if key.file is not None:
        with contextlib.suppress(FileNotFoundError):
            key.file.unlink()


async def obtain_api_key(
    data_dir: Path,
    *,
    environ: Mapping[str, str] | None = None,
    backend: keyring.backend.KeyringBackend | None = None,
) -> ApiKey:
    """`load_api_key` off the event loop (keyring calls block on D-Bus)."""
    return await run_blocking(load_api_key, data_dir, environ=environ, backend=backend)
