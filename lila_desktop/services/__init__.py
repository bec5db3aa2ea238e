"""asyncio services (no Qt): pool, engine, transports, vault, ledgers, API."""
