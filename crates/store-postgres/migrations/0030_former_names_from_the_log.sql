-- The names units had before renames made before former names were kept (issue 18): read back
-- from the audit log's renames, so that GEN-7 finds a unit by a name it gave up before the upgrade.
-- A name that is some unit's current name is left out (the current name wins).
INSERT INTO unit_former_names (unit_id, name, until)
SELECT e.unit_id, e.before_value::jsonb ->> 'name', MAX(e.at)
FROM admin_events e
WHERE e.action = 'unit.rename' AND e.unit_id IS NOT NULL
  AND e.before_value::jsonb ->> 'name' IS NOT NULL
  AND e.before_value::jsonb ->> 'name' NOT IN (SELECT name FROM units)
GROUP BY e.unit_id, e.before_value::jsonb ->> 'name'
ON CONFLICT (unit_id, name) DO NOTHING;
