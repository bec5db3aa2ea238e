"""models of the window (Qt)."""
