-- Session refreshes of the last 30 seconds, by the hash of the cookie they
-- replaced: a refresh token is good once, so the requests (on any instance)
-- that still carry the old cookie are handed the new one instead of refreshing
-- again. The sealed value is encrypted with the cookie password.
-- Plain SQL that runs on PostgreSQL too.
CREATE TABLE session_refreshes (
    key TEXT PRIMARY KEY,
    sealed TEXT NOT NULL,
    refreshed_at TEXT NOT NULL
);
