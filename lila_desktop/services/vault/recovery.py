"""Start-up recovery after a crash of the app (or of the machine).

Temp files are unfinished writes: removed. A live plaintext copy left in the
runtime folder is compared with its sealed store: newer (the usual case: the
app died between two periodic seals) -> sealed now; older (a restore or an
import died after writing the sealed store, before the live copy) -> kept as
a backup if it differs, then dropped, so the restored state wins.
"""

from __future__ import annotations

import logging
import os

from lila_desktop.services.vault.atomic import remove_temp_files
from lila_desktop.services.vault.model import VaultError, describe_failure
from lila_desktop.services.vault.operations import VaultOps
from lila_desktop.services.vault.sealed import SealedFileError, read_file_header
from lila_desktop.services.vault.snapshot import StoreCorrupt

logger = logging.getLogger(__name__)


def recover(ops: VaultOps) -> None:
    layout = ops.layout
    remove_temp_files(layout.data_dir)
    remove_temp_files(layout.runtime_dir)
    for phone in layout.session_dir_phones():
        remove_temp_files(layout.session_dir(phone))
    for phone in layout.backup_phones():
        remove_temp_files(layout.backups_dir(phone))
    for phone in layout.live_phones():
        try:
            _recover_live(ops, phone)
        except (VaultError, OSError) as exc:  # moved aside already, busy, or a full disk
            # The live copy stays; the next seal (or start) tries again.
            logger.error("start-up recovery of %s: %s", phone, describe_failure(exc))


def _recover_live(ops: VaultOps, phone: str) -> None:
    live = ops.layout.live_path(phone)
    sealed = ops.layout.sealed_path(phone)
    try:
        data = ops.read_live(phone)
    except StoreCorrupt as exc:
        raise ops.quarantine_live(phone, "corrupt live store after a crash", str(exc)) from None
    if data is None:
        return
    if not sealed.exists() or os.stat(live).st_mtime_ns >= os.stat(sealed).st_mtime_ns:
        if ops.write_sealed(phone, data):
            logger.warning("re-sealed the live store of %s left by a crash", phone)
        return
    if ops.backups.content_id(data) != _sealed_content_id(ops, phone):
        ops.backups.take(phone, data, reason="stale live copy after a crash", connected=False)
        logger.warning("dropped a stale live copy of %s (older than its sealed store)", phone)
    ops.drop_live(phone)


def _sealed_content_id(ops: VaultOps, phone: str) -> str | None:
    try:
        return str(read_file_header(ops.layout.sealed_path(phone)).meta.get("content_id"))
    except (OSError, SealedFileError):
        return None
