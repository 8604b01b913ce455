-- The foundation schema: units, staff, categories, cases with their event logs, sessions.
-- Instants are stored by sqlx as RFC 3339 text (UTC); JSON as text.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES units(id)
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    role          TEXT NOT NULL,
    password_hash TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE setup_tokens (
    token_hash  TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES categories(code),
    level       INTEGER NOT NULL,
    path        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE case_counters (
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE cases (
    id                    INTEGER PRIMARY KEY,
    unit_id               INTEGER NOT NULL REFERENCES units(id),
    case_number           TEXT NOT NULL UNIQUE,
    query_code_hash       TEXT NOT NULL,
    status                TEXT NOT NULL,
    channel               TEXT NOT NULL,
    received_at           TEXT NOT NULL,
    registered_at         TEXT NOT NULL,
    first_receiver_id     INTEGER NOT NULL REFERENCES users(id),
    owner_id              INTEGER NOT NULL REFERENCES users(id),
    holding_unit_id       INTEGER NOT NULL REFERENCES units(id),
    petitioner_name       TEXT,
    petitioner_id_number  TEXT,
    petitioner_phone      TEXT,
    petitioner_address    TEXT,
    headcount             INTEGER NOT NULL,
    category_code         TEXT NOT NULL,
    category_path         TEXT NOT NULL,
    purpose               TEXT NOT NULL,
    content               TEXT NOT NULL,
    flags                 TEXT NOT NULL,
    state                 TEXT NOT NULL,
    version               INTEGER NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX cases_unit_received ON cases(unit_id, received_at);
CREATE INDEX cases_holding_unit ON cases(holding_unit_id);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_id_number ON cases(petitioner_id_number);
CREATE INDEX cases_phone ON cases(petitioner_phone);

CREATE TABLE case_events (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    actor_id     INTEGER NOT NULL REFERENCES users(id),
    note         TEXT,
    payload      TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE personal_data_views (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    viewed_at  TEXT NOT NULL,
    purpose    TEXT NOT NULL
);
CREATE INDEX personal_data_views_case ON personal_data_views(case_id);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
