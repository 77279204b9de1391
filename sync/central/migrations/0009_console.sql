-- The web console (issue 17): the accounts of the people behind the
-- window, their browsers' sessions (here, not in a process's memory, so
-- that any central server behind a load balancer knows them) and the
-- audit log of everything they do.
CREATE TABLE console_accounts (
    login         TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    department    TEXT NOT NULL DEFAULT '',
    halls         TEXT NOT NULL DEFAULT '',
    scope         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    must_change   {{int}} NOT NULL DEFAULT 0,
    disabled      {{int}} NOT NULL DEFAULT 0,
    failures      {{int}} NOT NULL DEFAULT 0,
    locked_until  TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
){{strict}};
CREATE TABLE console_sessions (
    token_hash TEXT PRIMARY KEY,
    login      TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    remote     TEXT NOT NULL
){{strict}};
CREATE INDEX console_sessions_by_login ON console_sessions (login);
CREATE TABLE console_audit (
    id     TEXT PRIMARY KEY,
    at     TEXT NOT NULL,
    login  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    remote TEXT NOT NULL,
    detail TEXT NOT NULL
){{strict}};
CREATE INDEX console_audit_by_at ON console_audit (at);
-- The worklists and the supervisors' lists: the cases whose time limit
-- runs, due first; the trend of cases accepted and decided per day.
CREATE INDEX cases_running ON cases (due_date) WHERE decision = '' AND state IN ('accepted', 'in_review');
CREATE INDEX cases_accepted_at ON cases (accepted_at, hall, item_code);
CREATE INDEX cases_decided_at ON cases (decided_at, hall, item_code) WHERE decision <> '';
CREATE INDEX ratings_by_at ON ratings (at);
