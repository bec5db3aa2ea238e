"""widgets of the window (Qt)."""
