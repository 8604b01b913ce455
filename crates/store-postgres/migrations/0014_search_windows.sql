-- Each case's search entry also holds, as lexemes without positions (no query word can be one:
-- words are letters and digits only):
--   b0:N, b1:N, b2:N  its blocks of 4,096, 65,536 and 1,048,576 case ids (`b0:244` for the ids
--        999,424 to 1,003,519), of which rings of the newest cases are named;
--   u:N   the unit that registered it;
--   h:N   the unit that holds it now (kept by the trigger below when the case moves).
-- A search then asks the GIN index for its words within the reader's units and within the newest
-- blocks, so that a word tens of thousands of cases hold costs a visit to the few matches it needs
-- instead of to every match (issue 5). The index is rebuilt once instead of updated a million times.
DROP INDEX case_search_tokens;
UPDATE case_search s
   SET tokens = s.tokens || array_to_tsvector(ARRAY['b0:' || (c.id / 4096), 'b1:' || (c.id / 65536),
       'b2:' || (c.id / 1048576), 'u:' || c.unit_id, 'h:' || c.holding_unit_id])
  FROM cases c
 WHERE c.id = s.case_id;
CREATE INDEX case_search_tokens ON case_search USING GIN (tokens);

CREATE OR REPLACE FUNCTION case_search_follow_holder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_search
       SET tokens = ts_delete(tokens, 'h:' || OLD.holding_unit_id) || array_to_tsvector(ARRAY['h:' || NEW.holding_unit_id])
     WHERE case_id = NEW.id;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS cases_search_holder ON cases;
CREATE TRIGGER cases_search_holder AFTER UPDATE OF holding_unit_id ON cases
    FOR EACH ROW WHEN (OLD.holding_unit_id IS DISTINCT FROM NEW.holding_unit_id)
    EXECUTE FUNCTION case_search_follow_holder();
