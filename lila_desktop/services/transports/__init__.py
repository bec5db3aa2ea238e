"""Transports run inside the engine process and speak to WhatsApp (or a stand-in).

`load_transport(name)` imports by name so that nothing outside the neonize
adapter imports neonize statically (import-linter contract).
"""

from __future__ import annotations

import importlib

from lila_desktop.services.transports.base import Transport

TRANSPORTS = {
    "neonize": "lila_desktop.services.transports.neonize_transport",
    "simulated": "lila_desktop.services.transports.simulated",
}


def load_transport(name: str) -> Transport:
    """Build the transport called `name` (its module's `create_transport()`)."""
    try:
        module_name = TRANSPORTS[name]
    except KeyError:
        raise ValueError(
            f"unknown transport {name!r}; choose one of {', '.join(sorted(TRANSPORTS))}"
        ) from None
    module = importlib.import_module(module_name)
    transport: Transport = module.create_transport()
    return transport
