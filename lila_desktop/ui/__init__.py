"""All of PySide6 lives here; bridge.py is the only place asyncio meets Qt."""
