"""Session names: what the owner calls a number ("Front desk"), checked once for all faces.

A name is shown in the window, the tray, notifications and log lines. A
control character (a newline, an escape sequence) would forge lines in the
log or garble the tray; a bidirectional override would make one name read
as another. Those are refused, not silently dropped: the owner sees why.
"""

from __future__ import annotations

import unicodedata
from typing import Final

MAX_NAME: Final = 80
# Bidirectional embeddings, overrides and isolates: they reorder what follows.
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class InvalidName(ValueError):
    """str(e) says what is wrong with the name and what to do."""


def check_name(name: str) -> str:
    """The name without surrounding spaces; InvalidName if it cannot be shown safely."""
    if not isinstance(name, str):
        raise InvalidName("The name must be text.")
    cleaned = name.strip()
    if len(cleaned) > MAX_NAME:
        raise InvalidName(f"The name is too long ({len(cleaned)} characters; at most {MAX_NAME}).")
    for char in cleaned:
        if unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI:
            raise InvalidName(
                f"The name contains an invisible control character (U+{ord(char):04X}); "
                "type it again using letters, digits, spaces and punctuation."
            )
    return cleaned
