"""Shared by the outbox tests: what the simulated WhatsApp really sent.

The simulated transport runs in the engine process; with LILA_SIM_SENT_LOG it
appends every message it sends to that file (fsync'd), which survives the app
being killed, so the tests count sends where they happen, not where we log them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SENT_LOG_ENV = "LILA_SIM_SENT_LOG"


def read_sent(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    # A kill can cut the last line short: it was then never acknowledged either.
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


@pytest.fixture
def sent_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Request it before `harness`/`api`: the engine reads the variable when it starts."""
    path = tmp_path / "whatsapp-sent.jsonl"
    monkeypatch.setenv(SENT_LOG_ENV, str(path))
    yield path
