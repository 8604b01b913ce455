-- A unit's territory (issue 22, TWN-2): the place names and address prefixes it answers for and
-- optionally its boundary (JSON, see huiyin_core::territory::Territory). Petitions naming a place
-- but no unit are routed by it.
CREATE TABLE unit_territories (
    unit_id     BIGINT PRIMARY KEY REFERENCES units(id),
    territory   JSONB NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
