-- The LSH bands of each statement move from a B-tree of (band, received_at, case_id) rows to an
-- inverted index (issue 5): 32 random B-tree inserts per case made bulk loads slow at scale, where an
-- FTS5 index appends sorted segments. Each band is one token, its 64 bits as 16 hexadecimal digits; the
-- index keeps no text and no positions (contentless, detail=none), only which cases hold a band, and a
-- case's entry can be deleted by rowid (the case id) when it is rebuilt.
CREATE VIRTUAL TABLE case_band_index USING fts5(
    bands, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61'
);
INSERT INTO case_band_index (rowid, bands)
    SELECT case_id, group_concat(printf('%016x', band), ' ') FROM case_bands GROUP BY case_id;
DROP TABLE case_bands;
