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
    for env in ({}, {"LILA_MONGODB_URI": sys.argv[2]}):  # no portal, then a portal
        config = resolve(CommandLine(data_dir=Path(sys.argv[1])), env, Settings())
        store = MongoUriStore(keyring.backends.fail.Keyring())
        ledger = build_quota_ledger(config, uri_store=store)
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


def test_pymongo_loads_only_with_a_portal(tmp_path: Path) -> None:
    uri = "mongodb://user:pass@127.0.0.1:1/?serverSelectionTimeoutMS=50"
    assert probe(tmp_path, uri) == [
        "after-import False",  # the whole window imported
        "ledger SqliteLedger False",  # started without a portal
        "ledger MongoLedger True",  # a portal configured: now, and only now
    ]
