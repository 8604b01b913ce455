-- One ledger of what supervision tells once: the months whose reception table was not published by
-- the deadline (TWN-9) move into told_once, keyed "unit id:month", and their own table goes.
INSERT INTO told_once (kind, subject, told_at)
    SELECT 'reception_unpublished', CAST(unit_id AS TEXT) || ':' || month, told_at FROM reception_month_alerts;
DROP TABLE reception_month_alerts;
