"""The outbox database's tables (store.py opens and migrates it)."""

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    idem_key TEXT,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    wa_id TEXT,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    sent_at REAL,
    delivered_at REAL,
    read_at REAL,
    quota_settled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_queue ON messages (phone, status, seq);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status, seq);
CREATE INDEX IF NOT EXISTS messages_expiry ON messages (phone, status, expires_at);
CREATE INDEX IF NOT EXISTS messages_wa ON messages (wa_id) WHERE wa_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_unsettled ON messages (quota_settled) WHERE quota_settled = 0;
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS events_due ON events (next_at);
CREATE TABLE IF NOT EXISTS webhook (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    allow_private INTEGER NOT NULL
)
"""
