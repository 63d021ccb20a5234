-- What admins did in the widget lab: who, what, when.
-- Plain SQL that runs on PostgreSQL too.
CREATE TABLE lab_actions (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    detail TEXT NOT NULL
);
