-- A reader sees the cases registered or held in the units of their subtree. Each case's search entry
-- now holds `v:N` for every unit N at or above the unit that registered it and the unit that holds
-- it, so that a subtree's cases are the one lexeme of its top unit (`v:` and the top's id) instead
-- of an OR of `u:` and `h:` for each of its units: GIN's work for a search grows with the lexemes
-- an OR names, once for each ring of the newest cases it reads (issue 5). These replace the `u:`
-- and `h:` lexemes of migration 0014. Units never move in the tree; the trigger follows the holder.
CREATE VIEW unit_reach (unit_id, lexemes) AS
WITH RECURSIVE up (unit_id, ancestor_id) AS (
    SELECT id, id FROM units
    UNION ALL
    SELECT up.unit_id, u.parent_id FROM up JOIN units u ON u.id = up.ancestor_id WHERE u.parent_id IS NOT NULL
)
SELECT unit_id, array_agg('v:' || ancestor_id) FROM up GROUP BY unit_id;

DROP INDEX case_search_tokens;
UPDATE case_search s
   SET tokens = ts_delete(s.tokens, ARRAY['u:' || c.unit_id, 'h:' || c.holding_unit_id])
             || array_to_tsvector(r.lexemes || h.lexemes)
  FROM cases c
  JOIN unit_reach r ON r.unit_id = c.unit_id
  JOIN unit_reach h ON h.unit_id = c.holding_unit_id
 WHERE c.id = s.case_id;
CREATE INDEX case_search_tokens ON case_search USING GIN (tokens);

CREATE OR REPLACE FUNCTION case_search_follow_holder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_search
       SET tokens = ts_delete(tokens, (SELECT lexemes FROM unit_reach WHERE unit_id = OLD.holding_unit_id))
                 || array_to_tsvector((SELECT lexemes FROM unit_reach WHERE unit_id = NEW.unit_id)
                                   || (SELECT lexemes FROM unit_reach WHERE unit_id = NEW.holding_unit_id))
     WHERE case_id = NEW.id;
    RETURN NULL;
END
$$;
