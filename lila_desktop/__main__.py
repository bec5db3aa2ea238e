"""Command line: `lila-desktop [--headless] [--demo] [--data-dir DIR] ...`."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from lila_desktop import __version__

TRANSPORTS = ("neonize", "simulated")


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
        default=None,
        metavar="PORT",
        help="local API port (default: Settings, else 3001; 0 = off; auto = any free port, logged)",
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
    if not args.headless:
        # The window's start builds ~100,000 objects that live as long as the app; the
        # collector would walk them again and again (~2 % of the time to the window).
        # It resumes once the window is shown (ui/main.py), or at once without one (app.py).
        gc.disable()
    from lila_desktop.app import run
    from lila_desktop.services.config import CommandLine

    return run(
        CommandLine(
            data_dir=args.data_dir,
            transport=args.transport,
            headless=bool(args.headless),
            demo=bool(args.demo),
            api_port=args.api_port,
            json_logs=bool(args.json_logs),
            log_level=args.log_level,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
