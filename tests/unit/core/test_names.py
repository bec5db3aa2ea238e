"""Session names never carry control characters (issue 13, finding 5)."""

from __future__ import annotations

import pytest

from lila_desktop.core.names import MAX_NAME, InvalidName, check_name


@pytest.mark.parametrize(
    "name",
    ["Caja\n2026-11-30 [ERROR] forged", "\x1b[31mRed", "Tab\there", "A\x00B", "x\u202egnp.exe"],
)
def test_control_and_bidi_characters_are_refused(name: str) -> None:
    with pytest.raises(InvalidName, match="control character"):
        check_name(name)


@pytest.mark.parametrize(
    "name", ["Front desk", "  Caja 2  ", "Señora Müller — ventas", "👩‍💻 Soporte", ""]
)
def test_ordinary_names_pass_trimmed(name: str) -> None:
    assert check_name(name) == name.strip()


def test_too_long_is_refused() -> None:
    with pytest.raises(InvalidName, match="too long"):
        check_name("x" * (MAX_NAME + 1))
