"""dialogs of the window (Qt)."""
