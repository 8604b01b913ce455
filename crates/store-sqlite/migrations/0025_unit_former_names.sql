-- The names a unit was known by before a rename (曾用名, issue 18). A petitioner names the unit they
-- accuse as they know it, often by its former name: GEN-7 finds the unit by these too, and no other
-- unit may take one of them.
CREATE TABLE unit_former_names (
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    name     TEXT NOT NULL,
    until    TEXT NOT NULL,
    PRIMARY KEY (unit_id, name)
);
