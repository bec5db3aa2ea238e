"""pymongo loads only when a company portal is configured.

Checked in a fresh interpreter (sys.modules of this test process already
holds everything): importing the window, then building the quota ledger the
way the runtime does, without a portal and with one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import keyring.backends.fail
    import lila_desktop.ui.main  # the window face, all of it
    print("after-import", "pymongo" in sys.modules)
    from lila_desktop.core.settings import Settings
    from lila_desktop.services.config import CommandLine, resolve
    from lila_desktop.services.quota.uri_store import MongoUriStore
    from lila_desktop.services.runtime import build_quota_ledger
    env = {"LILA_MONGODB_URI": sys.argv[2]} if sys.argv[2] else {}
    config = resolve(CommandLine(data_dir=Path(sys.argv[1])), env, Settings())
    ledger = build_quota_ledger(config, uri_store=MongoUriStore(keyring.backends.fail.Keyring()))
    print("ledger", type(ledger).__name__, "pymongo" in sys.modules)
    """
)


def probe(tmp_path: Path, uri: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("LILA_MONGODB_URI", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path), uri],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return out.stdout.splitlines()


def test_no_portal_no_pymongo(tmp_path: Path) -> None:
    assert probe(tmp_path, "") == ["after-import False", "ledger SqliteLedger False"]


def test_a_portal_loads_pymongo_when_its_ledger_is_built(tmp_path: Path) -> None:
    uri = "mongodb://user:pass@127.0.0.1:1/?serverSelectionTimeoutMS=50"
    assert probe(tmp_path, uri) == ["after-import False", "ledger MongoLedger True"]
