"""Pure domain logic: no Qt, no asyncio, no I/O."""
