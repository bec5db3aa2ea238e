"""English words for owner-facing codes: the API's `message` and the log lines.

The window and tray word the same codes in the owner's language (ui/texts.py);
programs keep reading the stable `code`. Every `Code` has an entry here (a
test fails otherwise).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lila_desktop.core.messages import Code, Message, Param

_NAMES = {
    408: "timed out",
    428: "connection closed",
    500: "WhatsApp server error",
    503: "WhatsApp unavailable",
    515: "restart requested by WhatsApp",
}


def describe_code(code: Param) -> str:
    """A disconnect code with its short name: "408 timed out", "network error"."""
    if not isinstance(code, int):
        return "network error"
    return f"{code} {_NAMES.get(code, 'error')}"


def _local_time(ts: Param) -> str:
    if not isinstance(ts, int | float):
        return "later"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _num(value: Param) -> str:
    return f"{value:g}" if isinstance(value, int | float) else "?"


_ENGLISH: dict[Code, Callable[[dict[str, Param]], str]] = {
    Code.LOST_WHILE_LINKING: lambda a: (
        f"Connection lost while linking ({describe_code(a.get('code'))}). Retrying by itself; "
        "a new QR code will show."
    ),
    Code.LOST_RECONNECTING: lambda a: (
        f"Connection lost ({describe_code(a.get('code'))}). Reconnecting by itself; "
        "the saved login is kept, no QR needed."
    ),
    Code.ENGINE_RESTARTED: lambda a: (
        "Lila's connection engine stopped unexpectedly and was restarted (on this laptop, "
        "not at WhatsApp or your internet). Reconnecting by itself; the saved login is kept, "
        "no QR needed."
    ),
    Code.NOT_LINKED_RETRYING: lambda a: (
        f"Could not reach WhatsApp ({describe_code(a.get('code'))}). Retrying by itself. "
        "This number is not linked yet: a QR code to scan shows once WhatsApp answers."
    ),
    Code.STILL_DOWN: lambda a: (
        f"Still not connected after {_num(a.get('minutes'))} min "
        f"({describe_code(a.get('code'))}). "
        "Lila keeps retrying by itself; check this laptop's internet connection."
    ),
    Code.QR_EXPIRED: lambda a: (
        "The QR code expired before it was scanned. Press Link to get a new one."
    ),
    Code.RECOVERED: lambda a: "Connected again.",
    Code.REPLACED_RETRYING: lambda a: (
        "This number was opened in another WhatsApp Web or Desktop. "
        f"Trying once more in {_num(a.get('seconds'))} s."
    ),
    Code.REPLACED_PAUSED: lambda a: (
        "This number is open somewhere else (another computer or browser). "
        "Lila paused it so the two do not keep pushing each other out. "
        "Press Reconnect now to use it here."
    ),
    Code.TEMP_BANNED: lambda a: (
        f"WhatsApp has temporarily blocked this number until {_local_time(a.get('until'))}. "
        "Lila reconnects by itself then; do not link it again. "
        "Sending fewer messages avoids this."
    ),
    Code.LOGGED_OUT: lambda a: (
        f"This number was logged out ({a.get('code')}), usually because it was removed "
        "from Linked devices on the phone. Press Restore to try the last backup, "
        "or link again with a new QR."
    ),
    Code.LOGGED_OUT_LOOP: lambda a: (
        "WhatsApp ended this session right after asking for a restart "
        "(a known reconnect loop). Your backups are safe: press Restore to "
        "bring the last one back, or link again with a new QR."
    ),
    Code.OUTDATED: lambda a: (
        "WhatsApp says this version of Lila Desktop is too old. "
        "Install the latest version; your numbers stay linked."
    ),
    Code.STORE_CORRUPT: lambda a: (
        f"The saved login of this number could not be read ({a.get('reason')}). "
        "It was moved aside, not deleted. Press Restore to use the last good "
        "backup, or link again with a new QR."
    ),
    Code.STORE_NOT_MOVED: lambda a: (
        "The saved login of this number could not be read, and it could not be moved aside "
        f"either ({a.get('reason')}); nothing was deleted. Free some space or fix the data "
        "folder, then press Restore or link again with a new QR."
    ),
    Code.BACKUP_FAILING: lambda a: (
        f"Backups of this number are failing ({a.get('reason')}). Lila keeps trying; free "
        "some space or fix the data folder."
    ),
    Code.USER_LOGGED_OUT: lambda a: (
        "You logged this number out. Link it again with a new QR, or restore a backup."
    ),
    Code.USER_LOGGED_OUT_UNREACHABLE: lambda a: (
        "You logged this number out. Link it again with a new QR, or restore a backup. "
        "WhatsApp could not be reached: also remove this device under "
        "Linked devices on the phone."
    ),
    Code.LIST_RECOVERED: lambda a: (
        f"The list of numbers could not be read, so it was rebuilt from the saved logins: "
        f"{a.get('count')} number(s) are back"
        + (f", {a.get('unnamed')} without a name (rename them)" if a.get("unnamed") else "")
        + ". Nothing was lost."
    ),
    Code.SETTINGS_RECOVERED: lambda a: (
        "The settings file could not be read; "
        + ("the last good copy is used." if a.get("from_copy") else "the defaults are used.")
        + " Check Settings."
    ),
    Code.START_DEMO_TRANSPORT: lambda a: (
        "--demo runs on the simulated transport; drop --transport neonize."
    ),
    Code.START_API_PORT: lambda a: (
        f"The API port ({a.get('source')}) must be a number from 1 to 65535, 0 to turn "
        f"the local API off, or auto for any free port; got {a.get('value')!r}."
    ),
    Code.START_API_KEY: lambda a: (
        f"LILA_API_KEY must be {a.get('min')} to 256 printable characters without spaces; "
        'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))", '
        "or unset it."
    ),
    Code.START_PASSPHRASE_EMPTY: lambda a: (
        f"LILA_VAULT_PASSPHRASE is empty: use at least {a.get('min')} characters, "
        "or unset it to keep the key in the system keyring."
    ),
    Code.START_PASSPHRASE_SHORT: lambda a: (
        f"LILA_VAULT_PASSPHRASE is too short: use at least {a.get('min')} characters, "
        "or unset it to keep the key in the system keyring."
    ),
    Code.START_QUOTA_LIMIT: lambda a: (
        "LILA_QUOTA_LIMIT must be a positive whole number of messages per month, e.g. 1000; "
        f"got {a.get('value')!r}. Fix or unset LILA_QUOTA_LIMIT."
    ),
    Code.START_MONGODB_URI: lambda a: (
        "LILA_MONGODB_URI is not a MongoDB connection string: copy it from the company "
        "portal (it starts with mongodb:// or mongodb+srv://), or unset it."
    ),
    Code.START_PORTAL_URI_STORED: lambda a: (
        "The company portal address kept in the system keyring is not a MongoDB connection "
        "string: set LILA_MONGODB_URI to the right one (it starts with mongodb:// or "
        "mongodb+srv://), or remove the keyring entry 'mongodb-uri' of 'lila-desktop'."
    ),
    Code.START_DATA_DIR_FILE: lambda a: (
        f"The data folder {a.get('path')} is a file, not a folder: "
        "move that file away, or start with --data-dir pointing to a folder."
    ),
    Code.START_DATA_DIR_UNSAFE: lambda a: (
        f"The data folder {a.get('path')} is a link or belongs to another user: "
        "start with --data-dir pointing to a folder of your own."
    ),
    Code.START_DATA_DIR_CREATE: lambda a: (
        f"The data folder {a.get('path')} cannot be created ({a.get('reason')}): "
        "start with --data-dir pointing to a folder you can write to."
    ),
    Code.START_DATA_DIR_WRITE: lambda a: (
        f"The data folder {a.get('path')} is not writable: give your user write permission "
        "on it, or start with --data-dir pointing to a folder you can write to."
    ),
    Code.START_PORT_IN_USE: lambda a: (
        f"Port {a.get('port')} is already in use (another Lila Desktop or lila-app?): stop "
        "it, or start with --api-port N for another port, or --api-port 0 to turn the API off."
    ),
    Code.START_PORT_UNUSABLE: lambda a: (
        f"The local API cannot listen on 127.0.0.1:{a.get('port')} ({a.get('reason')}): "
        "start with --api-port N for another port, or --api-port 0 to turn the API off."
    ),
    Code.START_DISK_FULL: lambda a: (
        f"The disk that holds the data folder {a.get('path')} is full: free some space on it "
        "and start Lila Desktop again. Nothing was lost."
    ),
    Code.START_OTHER: lambda a: str(a.get("detail")),
}


def english(message: Message | None) -> str | None:
    """The English sentence for a message (None stays None)."""
    if message is None:
        return None
    return _ENGLISH[message.code](message.args)


def has_english(code: Code) -> bool:
    return code in _ENGLISH
