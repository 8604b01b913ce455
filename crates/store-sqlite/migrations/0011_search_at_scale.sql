-- A search matches thousands of cases at scale, and counting them joins each match to its case to
-- apply the reader's scope and the list's filters. This index holds exactly those columns, so the
-- join reads a compact index instead of the wide case rows (issue 5).
CREATE INDEX cases_search_filter ON cases(id, unit_id, holding_unit_id, received_at, channel, status);
