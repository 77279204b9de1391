-- The web console (issue 17): the accounts of the people behind the
-- window, their browsers' sessions (here, not in a process's memory, so
-- that any central server behind a load balancer knows them) and the
-- audit log of everything they do. IF NOT EXISTS throughout: a test takes
-- a database back to an older schema without knowing this step's objects.
CREATE TABLE IF NOT EXISTS console_accounts (
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
CREATE TABLE IF NOT EXISTS console_sessions (
    token_hash TEXT PRIMARY KEY,
    login      TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    remote     TEXT NOT NULL
){{strict}};
CREATE INDEX IF NOT EXISTS console_sessions_by_login ON console_sessions (login);
CREATE TABLE IF NOT EXISTS console_audit (
    id     TEXT PRIMARY KEY,
    at     TEXT NOT NULL,
    login  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    remote TEXT NOT NULL,
    detail TEXT NOT NULL
){{strict}};
CREATE INDEX IF NOT EXISTS console_audit_by_at ON console_audit (at);
-- The audit log of one login, or of one case or account.
CREATE INDEX IF NOT EXISTS console_audit_by_login ON console_audit (login, at);
CREATE INDEX IF NOT EXISTS console_audit_by_target ON console_audit (target, at);
-- The worklists and the supervisors' lists: the cases whose time limit
-- runs, due first (the whole province's, or a hall's), with every column
-- the lists read, so that a list of thousands reads the index alone; only
-- running cases are in them. The trend of cases accepted and decided per
-- day.
CREATE INDEX IF NOT EXISTS cases_running ON cases (due_date, number, hall, item_code, state, accepted_at, name_sealed, decision)
    WHERE decision = '' AND state IN ('accepted', 'in_review');
CREATE INDEX IF NOT EXISTS cases_running_by_hall ON cases (hall, due_date, number, item_code, state, accepted_at, name_sealed, decision)
    WHERE decision = '' AND state IN ('accepted', 'in_review');
CREATE INDEX IF NOT EXISTS cases_accepted_at ON cases (accepted_at, hall, item_code);
CREATE INDEX IF NOT EXISTS cases_decided_at ON cases (decided_at, hall, item_code) WHERE decision <> '';
-- A hall's ratings of a day: the terminal beside the time, so that other
-- halls' ratings are passed over without reading their rows.
CREATE INDEX IF NOT EXISTS ratings_by_at ON ratings (at, terminal);
-- The bad ratings: a supervisor's of the last days (every column the list
-- reads: bad ones are a few in a hundred), and a hall's still waiting for
-- their follow-up (a handful, whatever the years of ratings).
CREATE INDEX IF NOT EXISTS ratings_bad ON ratings (at, terminal, level, id, window_no, clerk, ticket, case_number, follow_up_due, resolved_at)
    WHERE level <= 2;
CREATE INDEX IF NOT EXISTS ratings_follow_up ON ratings (terminal) WHERE level <= 2 AND resolved_at = '';
