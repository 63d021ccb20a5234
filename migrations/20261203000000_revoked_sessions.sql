-- Sessions ended before their access token expires: by a sign-out here, or by
-- WorkOS (`session.revoked`). Until `until`, a copy of the old cookie is
-- refused by every instance, though its token still verifies.
-- Plain SQL that runs on PostgreSQL too.
CREATE TABLE revoked_sessions (
    session_id TEXT PRIMARY KEY,
    until TEXT NOT NULL
);
