"""Owner-facing codes (core/messages.py) in the owner's language.

Literal `translate()` calls so that pyside6-lupdate finds every string; `%1`,
`%2` are the parameters. Each entry says what happened and what to do.
tests/ui/test_message_texts.py fails when a code lacks English or Spanish.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from lila_desktop.core.messages import Code, Message, Param


def disconnect_reason(code: Param) -> str:
    """A disconnect code with its short name, e.g. "408 timed out"."""
    names = {
        408: QCoreApplication.translate("Message", "timed out"),
        428: QCoreApplication.translate("Message", "connection closed"),
        500: QCoreApplication.translate("Message", "WhatsApp server error"),
        503: QCoreApplication.translate("Message", "WhatsApp unavailable"),
        515: QCoreApplication.translate("Message", "restart requested by WhatsApp"),
    }
    if not isinstance(code, int):
        return QCoreApplication.translate("Message", "network error")
    name = names.get(code) or QCoreApplication.translate("Message", "error")
    return f"{code} {name}"


def _num(value: Param) -> str:
    return f"{value:g}" if isinstance(value, int | float) else "?"


def _moment(epoch: Param) -> str:
    if not isinstance(epoch, int | float):
        return "—"
    moment = QDateTime.fromMSecsSinceEpoch(int(epoch * 1000))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def _fill(template: str, *values: str) -> str:
    for i, value in enumerate(values, start=1):
        template = template.replace(f"%{i}", value)
    return template


def message_text(message: Message) -> str:
    """What happened and what to do, in the language the window speaks now."""
    a = message.args
    match message.code:
        case Code.LOST_WHILE_LINKING:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "Connection lost while linking (%1). Retrying by itself; "
                    "a new QR code will show.",
                ),
                disconnect_reason(a.get("code")),
            )
        case Code.LOST_RECONNECTING:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "Connection lost (%1). Reconnecting by itself; "
                    "the saved login is kept, no QR needed.",
                ),
                disconnect_reason(a.get("code")),
            )
        case Code.ENGINE_RESTARTED:
            return QCoreApplication.translate(
                "Message",
                "Lila's connection engine stopped unexpectedly and was restarted (on this "
                "laptop, not at WhatsApp or your internet). Reconnecting by itself; the saved "
                "login is kept, no QR needed.",
            )
        case Code.NOT_LINKED_RETRYING:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "Could not reach WhatsApp (%1). Retrying by itself. This number is not "
                    "linked yet: a QR code to scan shows once WhatsApp answers.",
                ),
                disconnect_reason(a.get("code")),
            )
        case Code.STILL_DOWN:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "Still not connected after %1 min (%2). Lila keeps retrying by itself; "
                    "check this computer's internet connection.",
                ),
                _num(a.get("minutes")),
                disconnect_reason(a.get("code")),
            )
        case Code.QR_EXPIRED:
            return QCoreApplication.translate(
                "Message", "The QR code expired before it was scanned. Press Link to get a new one."
            )
        case Code.RECOVERED:
            return QCoreApplication.translate("Message", "Connected again. Nothing to do.")
        case Code.REPLACED_RETRYING:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "This number was opened in another WhatsApp Web or Desktop. "
                    "Trying once more in %1 s.",
                ),
                _num(a.get("seconds")),
            )
        case Code.REPLACED_PAUSED:
            return QCoreApplication.translate(
                "Message",
                "This number is open somewhere else (another computer or browser). Lila paused "
                "it so the two do not keep pushing each other out. Press Reconnect now to use "
                "it here.",
            )
        case Code.TEMP_BANNED:
            until = a.get("until")
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "WhatsApp has temporarily blocked this number until %1. Lila reconnects by "
                    "itself then; do not link it again. Sending fewer messages avoids this.",
                ),
                _moment(until),
            )
        case Code.LOGGED_OUT:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "This number was logged out (%1), usually because it was removed from Linked "
                    "devices on the phone. Press Restore to try the last backup, or link again "
                    "with a new QR.",
                ),
                str(a.get("code")),
            )
        case Code.LOGGED_OUT_LOOP:
            return QCoreApplication.translate(
                "Message",
                "WhatsApp ended this session right after asking for a restart (a known "
                "reconnect loop). Your backups are safe: press Restore to bring the last one "
                "back, or link again with a new QR.",
            )
        case Code.OUTDATED:
            return QCoreApplication.translate(
                "Message",
                "WhatsApp says this version of Lila Desktop is too old. Install the latest "
                "version; your numbers stay linked.",
            )
        case Code.STORE_CORRUPT:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The saved login of this number could not be read (%1). It was moved aside, "
                    "not deleted. Press Restore to use the last good backup, or link again with "
                    "a new QR.",
                ),
                str(a.get("reason")),
            )
        case Code.STORE_NOT_MOVED:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The saved login of this number could not be read, and it could not be "
                    "moved aside either (%1); nothing was deleted. Free some space or fix the "
                    "data folder, then press Restore or link again with a new QR.",
                ),
                str(a.get("reason")),
            )
        case Code.BACKUP_FAILING:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "Backups of this number are failing (%1). Lila keeps trying; free some "
                    "space or fix the data folder.",
                ),
                str(a.get("reason")),
            )
        case Code.USER_LOGGED_OUT:
            return QCoreApplication.translate(
                "Message",
                "You logged this number out. Link it again with a new QR, or restore a backup.",
            )
        case Code.USER_LOGGED_OUT_UNREACHABLE:
            return QCoreApplication.translate(
                "Message",
                "You logged this number out. Link it again with a new QR, or restore a backup. "
                "WhatsApp could not be reached: also remove this device under Linked devices "
                "on the phone.",
            )
        case Code.LIST_RECOVERED:
            text = _fill(
                QCoreApplication.translate(
                    "Message",
                    "The list of numbers could not be read, so Lila rebuilt it from the saved "
                    "logins: %1 number(s) are back. Nothing was lost.",
                ),
                str(a.get("count")),
            )
            if a.get("unnamed"):
                text += " " + _fill(
                    QCoreApplication.translate(
                        "Message",
                        "%1 of them have no name yet: select one and press F2 (Rename) to name it.",
                    ),
                    str(a.get("unnamed")),
                )
            return text
        case Code.SETTINGS_RECOVERED:
            if a.get("from_copy"):
                return QCoreApplication.translate(
                    "Message",
                    "The settings file could not be read; the last good copy is used. "
                    "Check Settings.",
                )
            return QCoreApplication.translate(
                "Message",
                "The settings file could not be read, so the defaults are used. "
                "Open Settings to choose your values again.",
            )
        case Code.START_DEMO_TRANSPORT:
            return QCoreApplication.translate(
                "Message", "--demo runs on the simulated transport; drop --transport neonize."
            )
        case Code.START_API_PORT:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The API port (%1) must be a number from 1 to 65535, 0 to turn the local API "
                    "off, or auto for any free port; got '%2'.",
                ),
                str(a.get("source")),
                str(a.get("value")),
            )
        case Code.START_API_KEY:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "LILA_API_KEY must be %1 to 256 printable characters without spaces; "
                    "change it or unset it.",
                ),
                str(a.get("min")),
            )
        case Code.START_PASSPHRASE_EMPTY:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "LILA_VAULT_PASSPHRASE is empty: use at least %1 characters, or unset it to "
                    "keep the key in the system keyring.",
                ),
                str(a.get("min")),
            )
        case Code.START_PASSPHRASE_SHORT:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "LILA_VAULT_PASSPHRASE is too short: use at least %1 characters, or unset it "
                    "to keep the key in the system keyring.",
                ),
                str(a.get("min")),
            )
        case Code.START_QUOTA_LIMIT:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "LILA_QUOTA_LIMIT must be a positive whole number of messages per month, "
                    "e.g. 1000; got '%1'. Fix or unset LILA_QUOTA_LIMIT.",
                ),
                str(a.get("value")),
            )
        case Code.START_MONGODB_URI:
            return QCoreApplication.translate(
                "Message",
                "LILA_MONGODB_URI is not a MongoDB connection string: copy it from the company "
                "portal (it starts with mongodb:// or mongodb+srv://), or unset it.",
            )
        case Code.START_PORTAL_URI_STORED:
            return QCoreApplication.translate(
                "Message",
                "The company portal address kept in the system keyring is not a MongoDB "
                "connection string: set LILA_MONGODB_URI to the right one, or remove the "
                "keyring entry 'mongodb-uri' of 'lila-desktop'.",
            )
        case Code.START_DATA_DIR_FILE:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The data folder %1 is a file, not a folder: move that file away, or start "
                    "with --data-dir pointing to a folder.",
                ),
                str(a.get("path")),
            )
        case Code.START_DATA_DIR_UNSAFE:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The data folder %1 is a link or belongs to another user: start with "
                    "--data-dir pointing to a folder of your own.",
                ),
                str(a.get("path")),
            )
        case Code.START_DATA_DIR_CREATE:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The data folder %1 cannot be created (%2): start with --data-dir pointing "
                    "to a folder you can write to.",
                ),
                str(a.get("path")),
                str(a.get("reason")),
            )
        case Code.START_DATA_DIR_WRITE:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The data folder %1 is not writable: give your user write permission on it, "
                    "or start with --data-dir pointing to a folder you can write to.",
                ),
                str(a.get("path")),
            )
        case Code.START_PORT_IN_USE:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "Port %1 is already in use (another Lila Desktop or lila-app?): stop it, or "
                    "start with --api-port N for another port, or --api-port 0 to turn the API "
                    "off.",
                ),
                str(a.get("port")),
            )
        case Code.START_PORT_UNUSABLE:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The local API cannot listen on port %1 (%2): start with --api-port N for "
                    "another port, or --api-port 0 to turn the API off.",
                ),
                str(a.get("port")),
                str(a.get("reason")),
            )
        case Code.START_DISK_FULL:
            return _fill(
                QCoreApplication.translate(
                    "Message",
                    "The disk that holds the data folder %1 is full: free some space on it "
                    "and start Lila Desktop again. Nothing was lost.",
                ),
                str(a.get("path")),
            )
        case Code.START_OTHER:
            return _fill(
                QCoreApplication.translate("Message", "Lila Desktop cannot start: %1"),
                str(a.get("detail")),
            )
    raise KeyError(message.code)  # pragma: no cover - the test covers every code
