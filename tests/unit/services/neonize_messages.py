"""neonize's own event messages (its generated protobuf classes), without neonize.

Importing the `neonize` package loads its Go library, which pytest never does
(a Go panic aborts the whole run). Its protobuf modules need only protobuf;
they import one another by top-level name (neonize's `proto/__init__.py` puts
its folder on sys.path), so that folder is on sys.path for this import only.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any


def _load() -> ModuleType:
    spec = importlib.util.find_spec("neonize")  # finds the package, runs nothing
    assert spec is not None and spec.submodule_search_locations, "neonize is not installed"
    folder = str(Path(spec.submodule_search_locations[0]) / "proto")
    sys.path.insert(0, folder)
    try:
        return importlib.import_module("Neonize_pb2")
    finally:
        sys.path.remove(folder)


pb = _load()


def node(tag: str, attrs: dict[str, str] | None = None, nodes: list[Any] | None = None) -> Any:
    """A raw XML node as neonize sends it (attributes as text)."""
    return pb.Node(
        Tag=tag,
        Attrs=[pb.NodeAttrs(name=k, text=v) for k, v in (attrs or {}).items()],
        Nodes=nodes or [],
    )
