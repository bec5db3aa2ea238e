"""Command line: `lila-desktop [--headless] [--demo] [--data-dir DIR] ...`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lila_desktop import __version__

TRANSPORTS = ("neonize", "simulated")


def _port(text: str) -> int:
    if text == "auto":
        return -1  # app.API_PORT_AUTO: any free port, reported in the 'api_listening' line
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("port must be between 0 (off) and 65535")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lila-desktop",
        description="Keeps your shop's WhatsApp numbers connected.",
    )
    parser.add_argument("--version", action="version", version=f"lila-desktop {__version__}")
    parser.add_argument("--headless", action="store_true", help="run without a window")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="try it without WhatsApp: simulated transport and three demo numbers",
    )
    parser.add_argument("--data-dir", type=Path, help="keep every file under this folder")
    parser.add_argument(
        "--transport",
        choices=TRANSPORTS,
        help="neonize (real WhatsApp, the default) or simulated (tests, demos)",
    )
    parser.add_argument(
        "--api-port",
        type=_port,
        default=None,
        help="local API port (default 3001; 0 = off; auto = any free port, logged)",
    )
    parser.add_argument("--json-logs", action="store_true", help="log JSON lines to stderr")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING"))
    parser.add_argument("--engine", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.engine:
        # The engine process: nothing else is imported (hazard 12, start-up time).
        from lila_desktop.services.engine.host import run_engine

        return run_engine(args.transport or "neonize", args.log_level)
    from lila_desktop.app import AppConfig, run

    return run(AppConfig.from_args(args))


if __name__ == "__main__":
    sys.exit(main())
