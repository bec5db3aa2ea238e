"""Lila Desktop: keeps a shop's WhatsApp numbers connected, on the owner's laptop."""

__version__ = "0.1.0"
