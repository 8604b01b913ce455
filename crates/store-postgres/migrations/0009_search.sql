-- Full-text search and near-duplicate detection (issue 5).
-- case_search: the case's words as segmented by huiyin (jieba), stored as a tsvector built from the
-- words themselves (no text search configuration or extension is involved), with a GIN index.
CREATE TABLE case_search (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    tokens  TSVECTOR NOT NULL
);
CREATE INDEX case_search_tokens ON case_search USING GIN (tokens);

-- The LSH bands of each statement (MinHash over character bigrams), with the case's receipt time, so
-- that a look-up of similar recent statements reads one index range per band.
CREATE TABLE case_bands (
    band        BIGINT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (band, received_at, case_id)
);
CREATE INDEX case_bands_case ON case_bands(case_id);

-- Petitioner history by name and address (ID number and phone have their indexes).
CREATE INDEX cases_name_address ON cases(petitioner_name, petitioner_address);

-- The unit responsible for the problem's place, against which a 越级访 counts (TWN-14).
ALTER TABLE cases ADD COLUMN place_unit_id BIGINT REFERENCES units(id);
CREATE INDEX cases_place_unit ON cases(place_unit_id) WHERE place_unit_id IS NOT NULL;

-- Words administrators add to the segmentation dictionary.
CREATE TABLE search_words (
    word     TEXT PRIMARY KEY,
    added_by BIGINT REFERENCES users(id),
    added_at TIMESTAMPTZ NOT NULL
);
