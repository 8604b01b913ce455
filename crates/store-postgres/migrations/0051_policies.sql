-- 政策法规库 (issue 22, FED-9): laws, regulations and local policies as documents of numbered
-- articles; an opinion or an answer cites articles by (policy, number). `shipped` names a policy
-- shipped with huiyin (loaded once at start), null for one added by staff. A policy withdrawn
-- (废止, or added by mistake) is neither listed, searched nor cited again; citations keep its words.
CREATE TABLE policies (
    id          BIGSERIAL PRIMARY KEY,
    shipped     TEXT UNIQUE,
    title       TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    issued_on   DATE,
    source      TEXT,
    unit_id     BIGINT REFERENCES units(id),
    added_by    BIGINT REFERENCES users(id),
    added_at    TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ
);
CREATE TABLE policy_articles (
    policy_id   BIGINT NOT NULL REFERENCES policies(id),
    number      BIGINT NOT NULL,
    label       TEXT NOT NULL,
    chapter     TEXT,
    text        TEXT NOT NULL,
    PRIMARY KEY (policy_id, number)
);
