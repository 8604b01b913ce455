-- 政策法规库 (issue 22, FED-9): laws, regulations and local policies as documents of numbered
-- articles; an opinion or an answer cites articles by (policy, number). `shipped` names a policy
-- shipped with huiyin (loaded once at start), null for one added by staff. A policy withdrawn
-- (废止, or added by mistake) is neither listed, searched nor cited again; citations keep its words.
CREATE TABLE policies (
    id          INTEGER PRIMARY KEY,
    shipped     TEXT UNIQUE,
    title       TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    issued_on   TEXT,
    source      TEXT,
    unit_id     INTEGER REFERENCES units(id),
    added_by    INTEGER REFERENCES users(id),
    added_at    TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE TABLE policy_articles (
    policy_id   INTEGER NOT NULL REFERENCES policies(id),
    number      INTEGER NOT NULL,
    label       TEXT NOT NULL,
    chapter     TEXT,
    text        TEXT NOT NULL,
    PRIMARY KEY (policy_id, number)
);
