"""phonenumbers loads its per-region metadata by name (`phonenumbers.data.*`,
`phonenumbers.shortdata.*`), so those are hidden imports. neonize only parses
and formats numbers; it never asks for places, carriers or time zones, so the
40+ MB of geocoder, carrier and time-zone data stay out (this hook replaces
pyinstaller-hooks-contrib's, which collects every submodule)."""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = (
    "phonenumbers.geocoder",
    "phonenumbers.geodata",
    "phonenumbers.carrier",
    "phonenumbers.carrierdata",
    "phonenumbers.timezone",
    "phonenumbers.tzdata",
)

hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(UNUSED))
excludedimports = list(UNUSED)
