"""PyInstaller's entry script: the frozen `lila-desktop` executable.

The same executable is the window, the headless service and, re-run with
`--engine`, the engine process (`services/engine/process.py::engine_command`),
so the user's machine needs no Python.
"""

import sys

from lila_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
