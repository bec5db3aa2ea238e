"""Windows: replacing or deleting a live store the engine still holds open.

Windows refuses to replace or delete an open file, and neonize leaks one
handle on the store per connect (NEONIZE_NOTES hazard 6): a stopped session's
engine still holds it. `atomic.retry_in_use` waits a moment (a virus scanner
lets go soon); if the file stays in use, the step is run once more after
`release` (the pool recycles the engine, which closes every handle). POSIX
never gets here: a rename or unlink of an open file succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from lila_desktop.services.vault.atomic import FileInUse
from lila_desktop.services.vault.model import StoreInUse

logger = logging.getLogger(__name__)

T = TypeVar("T")


async def replacing(
    phone: str,
    step: Callable[[], Awaitable[T]],
    release: Callable[[], Awaitable[None]] | None,
) -> T:
    """Run `step`; if a file stays in use, `release` the engine's handles and run it again."""
    try:
        return await step()
    except FileInUse as exc:
        if release is None:
            raise in_use_error(phone, exc) from None
        logger.warning(
            "the store of %s is still open in the engine (%s); releasing its handles",
            phone,
            exc,
            extra={"event": "store_in_use", "phone": phone},
        )
    await release()
    try:
        return await step()
    except FileInUse as exc:
        raise in_use_error(phone, exc) from None


def in_use_error(phone: str, exc: FileInUse) -> StoreInUse:
    return StoreInUse(
        f"The store of {phone} is open in another program ({exc.filename}), so it cannot "
        "be replaced. Close other copies of Lila Desktop (and any program that opened "
        "that folder), then try again. Nothing was lost."
    )
