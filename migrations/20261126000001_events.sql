-- WorkOS events, from webhooks and from the Events API, stored once per event id.
-- Plain SQL that runs on PostgreSQL too.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    organization_id TEXT,
    user_id TEXT,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    source TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX events_by_organization ON events (organization_id, created_at);
CREATE INDEX events_by_time ON events (created_at);

-- Where the Events API catch-up goes on from (the last event it read).
CREATE TABLE sync_cursors (
    name TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
