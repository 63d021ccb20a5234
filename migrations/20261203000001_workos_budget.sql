-- The deployment's WorkOS calls, by ten-second window: every instance on the
-- database takes its calls from the same count, so together they stay under
-- WorkOS's per-key limit. Old windows are dropped.
-- Plain SQL that runs on PostgreSQL too.
CREATE TABLE workos_budget (
    window_start BIGINT PRIMARY KEY,
    used BIGINT NOT NULL
);
