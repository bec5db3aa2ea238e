"""Logging set-up: the rotating `logs/combined.log` and the console (text or JSON lines).

Configured before anything imports neonize (hazard 12: it calls
basicConfig at import). Records may carry structured fields in `extra`
(event, phone, status, ...); the JSON formatter writes them out so tests and
tools can follow the app by reading its lines.

Owners send `combined.log` to support, so no secret may reach it: every
handler carries a `RedactingFilter` that blanks the secrets the app knows
(`register_secret`: the API key, the vault passphrase, the MongoDB
password) and what looks like one (QR payloads, pairing codes, passwords in
URIs, an `x-api-key` header line). It is the safety net; the code itself
never logs these. The file is 0600 in a 0700 folder.
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any, Final

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s [%(levelname)s] %(name)s: %(message)s"
REDACTED: Final = "[redacted]"
MIN_SECRET = 6  # shorter values would blank ordinary words; keys and passphrases are longer

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secret_re: re.Pattern[str] | None = None
_PATTERNS: Final = (
    # whatsmeow QR payloads: "2@<ref>,<noise key>,<identity key>,<adv secret>"
    (re.compile(r"\b\d@[A-Za-z0-9+/=_-]{8,}(?:,[A-Za-z0-9+/=_-]{8,}){2,}"), "[qr]"),
    # pairing codes: "ABCD-EFGH"
    (re.compile(r"(?<![A-Za-z0-9-])[A-Z0-9]{4}-[A-Z0-9]{4}(?![A-Za-z0-9-])"), "[pairing code]"),
    # a password in a URI (mongodb://user:password@host)
    (re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@"), r"\1" + REDACTED + "@"),
    # a request header line that carries the key
    (re.compile(r"(?i)(x-api-key[\"']?\s*[:=,]\s*)[^\s,;]+"), r"\1" + REDACTED),
)


def register_secret(value: str | None) -> None:
    """Never let `value` reach a log line (API key, passphrase, database password)."""
    global _secret_re
    values = {v for v in (value, (value or "").strip()) if v and len(v) >= MIN_SECRET}
    with _secrets_lock:
        if values <= _secrets:
            return
        _secrets.update(values)
        ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
        _secret_re = re.compile("|".join(re.escape(v) for v in ordered))


def redact(text: str) -> str:
    """`text` without any registered secret or anything shaped like one."""
    pattern = _secret_re
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for regex, replacement in _PATTERNS:
        text = regex.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record before any handler formats it (message, fields, traceback)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        with contextlib.suppress(Exception):  # a bad format string is logging's to report
            record.msg = redact(record.getMessage())
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, redact(value))
        record._redacted = True
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": round(record.created, 3),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = (
                    value if isinstance(value, str | int | float | bool | None) else str(value)
                )
        if record.exc_text:
            data["exc"] = record.exc_text
        elif record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class FieldsFormatter(logging.Formatter):
    """Text lines that still show the structured fields (for people)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = {
            k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")
        }
        if fields:
            text += " " + " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
        return text


def log_file(data_dir: Path) -> Path:
    return data_dir / "logs" / "combined.log"


class QuietFailures(logging.Handler):
    """A handler whose failed write (a full disk, a closed stderr) is counted and
    dropped, never Python's "--- Logging error ---" traceback per record: one
    line on stderr when the failures start, and a count in the log once a
    write works again."""

    dropped = 0  # records lost since the last write that worked

    def handle(self, record: logging.LogRecord) -> bool:
        lost = self.dropped
        done = super().handle(record)
        if lost and done and self.dropped == lost:  # this one was written: tell what was lost
            self.dropped = 0
            note = f"{lost} log line(s) were lost: the log could not be written"
            super().handle(logging.LogRecord(__name__, logging.WARNING, "", 0, note, None, None))
        return done

    def handleError(self, record: logging.LogRecord) -> None:
        self.dropped += 1
        if self.dropped == 1:
            error = sys.exc_info()[1]
            with contextlib.suppress(Exception):  # stderr itself may be what failed
                sys.stderr.write(
                    f"lila: a log could not be written ({error}); "
                    "log lines are dropped until it can be\n"
                )


class QuietStreamHandler(QuietFailures, logging.StreamHandler):  # type: ignore[type-arg]
    pass


class PrivateFileHandler(QuietFailures, logging.handlers.RotatingFileHandler):
    """A rotating log whose files are 0600 (they name numbers and contacts)."""

    def _open(self) -> Any:
        with contextlib.suppress(OSError):
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.close(fd)
            os.chmod(self.baseFilename, 0o600)
        return super()._open()


def configure_logging(
    data_dir: Path | None, *, json_lines: bool = False, level: str = "INFO"
) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(level)
    console = QuietStreamHandler(sys.stderr)
    console.setFormatter(JsonFormatter() if json_lines else FieldsFormatter(TEXT_FORMAT))
    console.addFilter(RedactingFilter())
    root.addHandler(console)
    if data_dir is not None:
        path = log_file(data_dir)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(path.parent, 0o700)
        handler = PrivateFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    logging.getLogger("neonize.utils.ffmpeg").setLevel(logging.ERROR)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
