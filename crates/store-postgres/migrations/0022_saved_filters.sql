-- A staff member's saved case-list filters (issue 17): a name of their own and the list's query
-- string, kept per user.
CREATE TABLE saved_filters (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    query       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, name)
);
