"""Logging set-up: the rotating `logs/combined.log` and the console (text or JSON lines).

Configured before anything imports neonize (hazard 12: it calls
basicConfig at import). Records may carry structured fields in `extra`
(event, phone, status, ...); the JSON formatter writes them out so tests and
tools can follow the app by reading its lines.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from pathlib import Path
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s [%(levelname)s] %(name)s: %(message)s"


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
        if record.exc_info:
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


def configure_logging(
    data_dir: Path | None, *, json_lines: bool = False, level: str = "INFO"
) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(level)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(JsonFormatter() if json_lines else FieldsFormatter(TEXT_FORMAT))
    root.addHandler(console)
    if data_dir is not None:
        path = log_file(data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    logging.getLogger("neonize.utils.ffmpeg").setLevel(logging.ERROR)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
