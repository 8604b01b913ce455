-- Full-text search and near-duplicate detection (issue 5).
-- case_search: the case's words as segmented by huiyin (jieba), separated by spaces; FTS5's unicode61
-- tokenizer splits at the same places, so each word is one token. rowid is the case id.
CREATE VIRTUAL TABLE case_search USING fts5(tokens, tokenize = 'unicode61');

-- The LSH bands of each statement (MinHash over character bigrams), with the case's receipt time, so
-- that a look-up of similar recent statements reads one index range per band.
CREATE TABLE case_bands (
    band        INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    PRIMARY KEY (band, received_at, case_id)
) WITHOUT ROWID;
CREATE INDEX case_bands_case ON case_bands(case_id);

-- Petitioner history by name and address (ID number and phone have their indexes).
CREATE INDEX cases_name_address ON cases(petitioner_name, petitioner_address);

-- The unit responsible for the problem's place, against which a 越级访 counts (TWN-14).
ALTER TABLE cases ADD COLUMN place_unit_id INTEGER REFERENCES units(id);
CREATE INDEX cases_place_unit ON cases(place_unit_id) WHERE place_unit_id IS NOT NULL;

-- Words administrators add to the segmentation dictionary.
CREATE TABLE search_words (
    word     TEXT PRIMARY KEY,
    added_by INTEGER REFERENCES users(id),
    added_at TEXT NOT NULL
);
