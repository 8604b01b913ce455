-- What a unit calls things and uses first (issue 22): the names of its roles and letters, the
-- content classes it offers first, the kind of duty it keeps, and the preset they came from
-- (JSON, see huiyin_core::preset::UnitTerms).
CREATE TABLE unit_terms (
    unit_id     BIGINT PRIMARY KEY REFERENCES units(id),
    terms       JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
