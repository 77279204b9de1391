-- signed update packages for the terminals, one per machine kind.
CREATE TABLE updates (
    target       TEXT PRIMARY KEY,
    version      TEXT NOT NULL,
    manifest     TEXT NOT NULL,
    package      {{blob}} NOT NULL,
    published_at TEXT NOT NULL
){{strict}};
