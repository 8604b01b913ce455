-- The LSH bands of each statement move from a B-tree of (band, received_at, case_id) rows to one array
-- per case under a GIN index (issue 5): 32 random B-tree inserts per case made bulk loads slow at
-- scale, where GIN gathers new entries in its pending list and merges them in bulk.
CREATE TABLE case_band_index (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    bands   BIGINT[] NOT NULL
);
INSERT INTO case_band_index (case_id, bands)
    SELECT case_id, array_agg(band ORDER BY band) FROM case_bands GROUP BY case_id;
CREATE INDEX case_band_index_bands ON case_band_index USING GIN (bands);
DROP TABLE case_bands;
