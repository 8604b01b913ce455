-- GEN-7: the unit a case accuses, so that its staff never see who petitioned.
ALTER TABLE cases ADD COLUMN accused_unit_id INTEGER REFERENCES units(id);
