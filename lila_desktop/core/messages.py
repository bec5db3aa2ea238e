"""What the owner must be told, as a code and its parameters; never as words.

Core and services say *what happened* with a `Message`; each face renders it:
the window and tray in the owner's language (ui/texts.py, Qt translations),
the API and the logs in English (services/wording.py). `Code` lists every
owner-facing code once; a test fails when a face lacks words for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Param = str | int | float | None


class Code(StrEnum):
    # the disconnect policy (core/policy.py)
    LOST_WHILE_LINKING = "lost_while_linking"  # code
    LOST_RECONNECTING = "lost_reconnecting"  # code
    ENGINE_RESTARTED = "engine_restarted"  # Lila's own engine process, not WhatsApp's side
    NOT_LINKED_RETRYING = "not_linked_retrying"  # code: a never-linked number offline
    STILL_DOWN = "still_down"  # minutes, code
    QR_EXPIRED = "qr_expired"
    RECOVERED = "recovered"
    REPLACED_RETRYING = "replaced_retrying"  # seconds
    REPLACED_PAUSED = "replaced_paused"
    TEMP_BANNED = "temp_banned"  # until (epoch seconds)
    LOGGED_OUT = "logged_out"  # code
    LOGGED_OUT_LOOP = "logged_out_loop"
    OUTDATED = "outdated"
    STORE_CORRUPT = "store_corrupt"  # reason
    # failures the owner must see (services/supervisor.py, services/backup_state.py)
    STORE_NOT_MOVED = "store_not_moved"  # reason: quarantine failed, nothing deleted
    BACKUP_FAILING = "backup_failing"  # reason; retried with backoff
    # the pool (services/pool/commands.py)
    USER_LOGGED_OUT = "user_logged_out"
    USER_LOGGED_OUT_UNREACHABLE = "user_logged_out_unreachable"
    # start-up recovery (services/registry.py, services/settings_store.py)
    LIST_RECOVERED = "list_recovered"  # count, unnamed, aside
    SETTINGS_RECOVERED = "settings_recovered"  # aside, from_copy (0/1)
    # a start refused: one line saying what to change (services/config.py)
    START_DEMO_TRANSPORT = "start_demo_transport"
    START_API_PORT = "start_api_port"  # source, value
    START_API_KEY = "start_api_key"  # min
    START_PASSPHRASE_EMPTY = "start_passphrase_empty"  # min
    START_PASSPHRASE_SHORT = "start_passphrase_short"  # min
    START_QUOTA_LIMIT = "start_quota_limit"  # value
    START_MONGODB_URI = "start_mongodb_uri"
    START_PORTAL_URI_STORED = "start_portal_uri_stored"
    START_DATA_DIR_FILE = "start_data_dir_file"  # path
    START_DATA_DIR_UNSAFE = "start_data_dir_unsafe"  # path
    START_DATA_DIR_CREATE = "start_data_dir_create"  # path, reason
    START_DATA_DIR_WRITE = "start_data_dir_write"  # path
    START_PORT_IN_USE = "start_port_in_use"  # port
    START_PORT_UNUSABLE = "start_port_unusable"  # port, reason
    START_DISK_FULL = "start_disk_full"  # path
    START_OTHER = "start_other"  # detail (English, from a library or the OS)


@dataclass(frozen=True)
class Message:
    """A code and its parameters (a tuple of pairs: frozen, hashable, comparable)."""

    code: Code
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, code: Code, /, **params: Param) -> Message:
        return cls(code, tuple(sorted(params.items())))

    @property
    def args(self) -> dict[str, Param]:
        return dict(self.params)

    def get(self, name: str) -> Param:
        return self.args.get(name)

    def to_dict(self) -> dict[str, object]:
        """For files and the API: {"code": ..., "params": {...}}."""
        return {"code": self.code.value, "params": self.args}

    @classmethod
    def from_dict(cls, data: object) -> Message | None:
        """What `to_dict` wrote; None for anything else (an older file's English text)."""
        if not isinstance(data, dict):
            return None
        try:
            code = Code(str(data.get("code")))
        except ValueError:
            return None
        params = data.get("params") or {}
        if not isinstance(params, dict):
            return None
        clean = {
            str(k): v for k, v in params.items() if v is None or isinstance(v, str | int | float)
        }
        return cls.of(code, **clean)
