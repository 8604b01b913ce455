-- A search matches thousands of cases at scale, and counting them joins each match to its case to
-- apply the reader's scope and the list's filters. This index carries exactly those columns, so the
-- join is an index-only scan instead of a visit to each wide case row (issue 5).
CREATE INDEX cases_search_filter ON cases(id) INCLUDE (unit_id, holding_unit_id, received_at, channel, status);

-- Each case's receipt time beside its bands, with its own index: a look-up of similar statements
-- within a window intersects the band index with the window's range, instead of joining every case
-- that shares a band (statements written from one template share many).
ALTER TABLE case_band_index ADD COLUMN received_at TIMESTAMPTZ;
UPDATE case_band_index i SET received_at = c.received_at FROM cases c WHERE c.id = i.case_id;
ALTER TABLE case_band_index ALTER COLUMN received_at SET NOT NULL;
CREATE INDEX case_band_index_received ON case_band_index(received_at);
