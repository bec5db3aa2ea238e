"""SessionVault: the async face of the credential vault (PRODUCT.md §2).

Neonize needs a plain SQLite file; at rest every credential byte is
encrypted. So each session has a sealed store in the data folder and, while
the app runs, a live plaintext copy in a private runtime folder that the
engine process opens. The pool calls `prepare_live` before a connect,
`seal`/`seal_all` periodically, `backup` on the moments of §2, and `aclose`
on shutdown. Every blocking step runs in a worker thread (`run_blocking`);
operations on one phone are serialized by its lock, because they read and
replace the same files (different phones never share a file).

Callers stop a session before `restore`, `reset`, `import_session` and
`remove` (the engine must not hold the live file while it is replaced).
On Windows a stopped session is not enough (services/vault/in_use.py): such
an operation calls `release_handles` (the pool recycles the engine) and runs
once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final, TypeVar

from lila_desktop.core.backup_naming import DEFAULT_KEEP, InvalidBackupTimestamp, parse_timestamp
from lila_desktop.core.keystore import KeyStore, KeyStoreUnavailable
from lila_desktop.core.phone import normalize_phone
from lila_desktop.services.blocking import run_blocking
from lila_desktop.services.vault.atomic import (
    FileInUse,
    UnsafeDirectory,
    atomic_write_bytes,
    check_plain_dir,
    ensure_private_dir,
)
from lila_desktop.services.vault.in_use import replacing
from lila_desktop.services.vault.layout import Layout, default_runtime_dir
from lila_desktop.services.vault.model import (
    BackupInfo,
    InvalidTimestamp,
    VaultError,
    VaultUnavailable,
    describe_failure,
)
from lila_desktop.services.vault.operations import VaultOps
from lila_desktop.services.vault.recovery import recover
from lila_desktop.services.vault.sealed import (
    PURPOSE_BACKUP,
    PURPOSE_KEYCHECK,
    PURPOSE_STORE,
    SealedFileError,
    open_bytes,
    open_file,
    read_header,
    seal_bytes,
)
from lila_desktop.services.vault.snapshot import check_store
from lila_desktop.services.vault.transfer import export_bytes, import_bytes, read_import_file

__all__ = ["SessionVault", "default_runtime_dir"]

logger = logging.getLogger(__name__)

_CHECK_PLAINTEXT: Final = b"lila-desktop vault key check v1"
T = TypeVar("T")


class SessionVault:
    def __init__(
        self,
        data_dir: Path,
        runtime_dir: Path,
        keystore: KeyStore,
        *,
        keep_backups: int = DEFAULT_KEEP,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if keep_backups < 1:
            raise ValueError("keep_backups must be at least 1")
        self._layout = Layout(Path(data_dir), Path(runtime_dir))
        self._keystore = keystore
        self._keep = keep_backups
        self._clock = clock
        self._ops: VaultOps | None = None
        self._closed = False
        self._locks: dict[str, asyncio.Lock] = {}
        # Set by the pool: closes every handle the engine holds on live stores.
        self.release_handles: Callable[[], Awaitable[None]] | None = None

    # -- life cycle --------------------------------------------------------------------

    async def open(self) -> None:
        """Get (or create) the key, make the folders private, recover from a crash."""
        if self._ops is not None:
            return
        try:
            self._ops = await run_blocking(self._open_sync)
        except BaseException:
            # A refused start leaves no empty runtime folder behind.
            await run_blocking(self._remove_runtime_dir_if_empty)
            raise

    def _open_sync(self) -> VaultOps:
        layout = self._layout
        try:
            layout.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            ensure_private_dir(layout.sessions_dir)
            ensure_private_dir(layout.backups_root)
            ensure_private_dir(layout.runtime_dir)
            for folder in layout.phone_folders():
                check_plain_dir(folder)
        except UnsafeDirectory as exc:
            raise VaultUnavailable(str(exc)) from None
        key = self._key_sync()
        ops = VaultOps(layout, key, self._keep, self._clock)
        recover(ops)
        logger.info(
            "vault open: key from %s, %d sealed session(s)",
            self._keystore.description,
            len(layout.sealed_phones()),
        )
        return ops

    def _key_sync(self) -> bytes:
        check = self._layout.check_path
        try:
            key = self._keystore.load_key()
            if key is None:
                if check.exists() or self._has_sealed_data():
                    raise VaultUnavailable(
                        f"The encryption key of this data folder is missing from "
                        f"{self._keystore.description}, but {self._layout.data_dir} holds sealed "
                        "sessions. Restore the key (or the passphrase and its vault-salt "
                        "file) that was used before; Lila Desktop will not create a new key "
                        "over existing data."
                    )
                key = self._keystore.create_key()
        except KeyStoreUnavailable as exc:
            raise VaultUnavailable(str(exc)) from None
        if check.exists():
            blob = check.read_bytes()
            state = self._check_state(blob, key)
            if state == "ok":
                return key
            if state == "mismatch" or not self._key_opens_existing(key):
                raise self._mismatch(blob)
            logger.warning("the vault key check file was damaged; writing it again")
        elif not self._key_opens_existing(key):
            raise self._mismatch(b"")
        blob = seal_bytes(
            _CHECK_PLAINTEXT,
            key,
            phone="",
            purpose=PURPOSE_KEYCHECK,
            meta={"keystore": self._keystore.kind, "created_at": self._clock()},
        )
        atomic_write_bytes(check, blob)
        return key

    @staticmethod
    def _check_state(blob: bytes, key: bytes) -> str:
        try:
            _, plain = open_bytes(blob, key, phone="", purpose=PURPOSE_KEYCHECK)
        except SealedFileError as exc:
            return "mismatch" if exc.reason == "auth_failed" else "damaged"
        return "ok" if plain == _CHECK_PLAINTEXT else "damaged"

    def _key_opens_existing(self, key: bytes) -> bool:
        """True if `key` opens a sealed store or backup, or there is none to try."""
        layout = self._layout
        candidates = [(p, layout.sealed_path(p), PURPOSE_STORE) for p in layout.sealed_phones()]
        for phone in layout.backup_phones():
            candidates += [
                (phone, path, PURPOSE_BACKUP)
                for path in sorted(layout.backups_dir(phone).glob("creds-*.lila"))
            ]
        tried = 0
        for phone, path, purpose in candidates:
            try:
                open_file(path, key, phone=phone, purpose=purpose)
                return True
            except SealedFileError as exc:
                tried += exc.reason == "auth_failed"
            except OSError:
                continue
        return tried == 0

    def _mismatch(self, blob: bytes) -> VaultUnavailable:
        try:
            sealed_with = str(read_header(blob).meta.get("keystore", ""))
        except SealedFileError:
            sealed_with = ""
        if sealed_with == "passphrase" and self._keystore.kind != "passphrase":
            hint = (
                "This data folder was sealed with a passphrase: set LILA_VAULT_PASSPHRASE "
                "to it and start again."
            )
        elif sealed_with == "keyring" and self._keystore.kind != "keyring":
            hint = (
                "This data folder was sealed with the key in the system keyring: unset "
                "LILA_VAULT_PASSPHRASE and unlock the keyring."
            )
        elif self._keystore.kind == "passphrase":
            hint = "The passphrase in LILA_VAULT_PASSPHRASE is not the one used before."
        else:
            hint = (
                "The keyring entry 'lila-desktop / master-key' was replaced or belongs to "
                "another installation; restore the original entry."
            )
        return VaultUnavailable(
            f"The key from {self._keystore.description} does not open the sessions saved in "
            f"{self._layout.data_dir}. {hint} Nothing was changed."
        )

    def _has_sealed_data(self) -> bool:
        layout = self._layout
        if layout.sealed_phones():
            return True
        return any(any(layout.backups_dir(p).iterdir()) for p in layout.backup_phones())

    async def aclose(self) -> None:
        """Seal every live store it can, then delete those plaintext copies; idempotent.

        Never raises: one number that cannot be sealed (a full disk, a folder
        replaced by a link) must not keep the others in plaintext. Its live
        copy stays and the next start seals it (crash recovery).
        """
        if self._ops is None or self._closed:
            return
        self._closed = True
        ops = self._ops
        try:
            phones = await run_blocking(self._layout.live_phones)
        except OSError as exc:
            logger.error("could not list the live stores at shutdown: %s", exc)
            phones = []
        failed = 0
        for phone in phones:
            async with self._lock(phone):
                try:
                    await run_blocking(ops.seal, phone)
                except Exception as exc:  # each number on its own
                    failed += 1
                    logger.error(
                        "could not seal %s at shutdown (%s); its live copy stays in %s and is "
                        "sealed at the next start",
                        phone,
                        describe_failure(exc),
                        self._layout.runtime_dir,
                        extra={"event": "seal_failed", "phone": phone},
                    )
                    continue
                try:
                    await run_blocking(ops.drop_live, phone)
                except (FileInUse, OSError) as exc:  # sealed: the next start removes it
                    logger.error(
                        "could not delete the plaintext of %s: %s", phone, describe_failure(exc)
                    )
        await run_blocking(self._remove_runtime_dir_if_empty)
        logger.info("vault closed", extra={"event": "vault_closed", "unsealed": failed})

    def seal_now(self) -> list[str]:
        """Seal every live store and delete the plaintext, synchronously, now.

        For the OS ending the session (sign-out, shutdown, Cmd-Q): no event loop
        turn is left, so this runs on the caller's thread. Call it after the
        engine has exited (it holds the live files). Returns the phones whose
        plaintext could not be sealed (kept: the next start seals it)."""
        if self._ops is None or self._closed:
            return []
        self._closed = True
        ops, kept = self._ops, []
        for phone in self._layout.live_phones():
            try:
                ops.seal(phone)
                ops.drop_live(phone)
            except (VaultError, OSError) as exc:
                logger.error("could not seal %s at session end: %s", phone, exc)
                kept.append(phone)
        self._remove_runtime_dir_if_empty()
        logger.info("vault sealed at session end", extra={"event": "sealed_at_exit"})
        return kept

    def _remove_runtime_dir_if_empty(self) -> None:
        with contextlib.suppress(OSError):
            self._layout.runtime_dir.rmdir()

    async def __aenter__(self) -> SessionVault:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- helpers -----------------------------------------------------------------------

    def _lock(self, phone: str) -> asyncio.Lock:
        return self._locks.setdefault(phone, asyncio.Lock())

    async def _replacing(self, phone: str, step: Callable[[], Awaitable[T]]) -> T:
        return await replacing(phone, step, self.release_handles)

    def _opened(self) -> VaultOps:
        if self._ops is None:
            raise RuntimeError("SessionVault.open() must be awaited first")
        if self._closed:
            raise RuntimeError("the vault is closed")
        return self._ops

    # -- the API -----------------------------------------------------------------------

    def live_path(self, phone: str) -> Path:
        return self._layout.live_path(normalize_phone(phone))

    async def list_sessions(self) -> list[str]:
        """Phones that have a sealed store or a live copy."""
        layout = self._layout
        return sorted(
            set(await run_blocking(layout.sealed_phones))
            | set(await run_blocking(layout.live_phones))
        )

    async def prepare_live(self, phone: str) -> Path:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            # Replaces a stale or corrupt live copy the engine may still hold (Windows).
            return await self._replacing(p, lambda: run_blocking(ops.prepare_live, p))

    async def seal(self, phone: str) -> bool:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            return await run_blocking(ops.seal, p)

    async def seal_all(self) -> None:
        """Seal every live store; failures are logged (each is retried on the next call)."""
        for phone in await run_blocking(self._layout.live_phones):
            try:
                await self.seal(phone)
            except (VaultError, OSError) as exc:
                logger.error("could not seal %s: %s", phone, describe_failure(exc))

    async def backup(self, phone: str, reason: str, *, connected: bool) -> BackupInfo | None:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            return await run_blocking(ops.backup, p, reason, connected)

    async def list_backups(self, phone: str) -> list[BackupInfo]:
        p = normalize_phone(phone)
        ops = self._opened()
        listed = await run_blocking(ops.backups.listed, p)
        return [item.info for item in listed]

    async def latest_backup(self, phone: str) -> BackupInfo | None:
        backups = await self.list_backups(phone)
        return backups[0] if backups else None

    async def reset(self, phone: str, reason: str) -> None:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            await self._replacing(p, lambda: run_blocking(ops.reset, p, reason))

    async def quarantine(self, phone: str, reason: str) -> Path:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            return await self._replacing(p, lambda: run_blocking(ops.quarantine, p, reason))

    async def restore(self, phone: str, timestamp: str | None = None) -> BackupInfo:
        p = normalize_phone(phone)
        if timestamp is not None:
            try:
                parse_timestamp(timestamp)
            except InvalidBackupTimestamp as exc:
                raise InvalidTimestamp(str(exc)) from None
        ops = self._opened()
        async with self._lock(p):
            return await self._replacing(p, lambda: run_blocking(ops.restore, p, timestamp))

    async def has_device(self, phone: str) -> bool:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            return await run_blocking(ops.has_device, p)

    async def export_session(self, phone: str, dest: Path, passphrase: str) -> None:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            data = await run_blocking(ops.current, p)
            if data is None or not await run_blocking(_holds_device, data):
                raise VaultError(f"{p} has no linked WhatsApp to export. Link it first.")
        blob = await run_blocking(export_bytes, p, data, passphrase, now=self._clock())
        dest = Path(dest)
        if dest.is_dir():
            raise VaultError(f"{dest} is a folder; choose a file name for the export.")
        if not dest.parent.is_dir():
            raise VaultError(f"The folder {dest.parent} does not exist.")
        await run_blocking(atomic_write_bytes, dest, blob)
        logger.info("exported session %s to %s", p, dest.name)

    async def import_session(self, src: Path, passphrase: str) -> str:
        ops = self._opened()
        blob = await run_blocking(read_import_file, Path(src))
        phone, data = await run_blocking(import_bytes, blob, passphrase)
        async with self._lock(phone):
            await self._replacing(phone, lambda: run_blocking(ops.import_store, phone, data))
        return phone

    async def remove(self, phone: str, *, delete_backups: bool) -> None:
        p = normalize_phone(phone)
        ops = self._opened()
        async with self._lock(p):
            await self._replacing(p, lambda: run_blocking(ops.remove, p, delete_backups))


def _holds_device(data: bytes) -> bool:
    return check_store(data).has_device
