-- Hosted Admin Portal flows: who started which, when, how it ended, and the
-- capability's state at the start (JSON), so the return page can say what changed.
-- Plain SQL that runs on PostgreSQL too.
CREATE TABLE flows (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    intent TEXT NOT NULL,
    slug TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT,
    snapshot TEXT NOT NULL
);
CREATE INDEX flows_by_organization ON flows (organization_id, started_at);
