-- 回避 (GEN-7, Art 28 ¶3): who stands aside from which case, written with the case's `recused`
-- event, so that every list and count leaves the case out for them as it does an accusation.
CREATE TABLE case_recusals (
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    recused_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_recusals_by_user ON case_recusals (user_id);
