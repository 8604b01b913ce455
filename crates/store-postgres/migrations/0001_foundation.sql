-- The foundation schema: units, staff, categories, cases with their event logs, sessions.
-- Instants are TIMESTAMPTZ; JSON is JSONB.

CREATE TABLE units (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   BIGINT REFERENCES units(id)
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    role          TEXT NOT NULL,
    password_hash TEXT,
    active        BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE api_tokens (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE setup_tokens (
    token_hash  TEXT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES categories(code),
    level       BIGINT NOT NULL,
    path        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order  BIGINT NOT NULL
);

CREATE TABLE case_counters (
    unit_id   BIGINT NOT NULL REFERENCES units(id),
    year      BIGINT NOT NULL,
    last_seq  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE cases (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id               BIGINT NOT NULL REFERENCES units(id),
    case_number           TEXT NOT NULL UNIQUE,
    query_code_hash       TEXT NOT NULL,
    status                TEXT NOT NULL,
    channel               TEXT NOT NULL,
    received_at           TIMESTAMPTZ NOT NULL,
    registered_at         TIMESTAMPTZ NOT NULL,
    first_receiver_id     BIGINT NOT NULL REFERENCES users(id),
    owner_id              BIGINT NOT NULL REFERENCES users(id),
    holding_unit_id       BIGINT NOT NULL REFERENCES units(id),
    petitioner_name       TEXT,
    petitioner_id_number  TEXT,
    petitioner_phone      TEXT,
    petitioner_address    TEXT,
    headcount             BIGINT NOT NULL,
    category_code         TEXT NOT NULL,
    category_path         TEXT NOT NULL,
    purpose               TEXT NOT NULL,
    content               TEXT NOT NULL,
    flags                 JSONB NOT NULL,
    state                 JSONB NOT NULL,
    version               BIGINT NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_unit_received ON cases(unit_id, received_at);
CREATE INDEX cases_holding_unit ON cases(holding_unit_id);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_id_number ON cases(petitioner_id_number);
CREATE INDEX cases_phone ON cases(petitioner_phone);

CREATE TABLE case_events (
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    seq          BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    recorded_at  TIMESTAMPTZ NOT NULL,
    actor_id     BIGINT NOT NULL REFERENCES users(id),
    note         TEXT,
    payload      JSONB NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE personal_data_views (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    viewed_at  TIMESTAMPTZ NOT NULL,
    purpose    TEXT NOT NULL
);
CREATE INDEX personal_data_views_case ON personal_data_views(case_id);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
