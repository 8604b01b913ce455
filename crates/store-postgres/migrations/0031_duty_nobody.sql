-- A day set to nobody by hand (调整为无人值班) is kept as such, with its person NULL, so that
-- generating the month again does not quietly put the pattern's person back.
ALTER TABLE duty_days ALTER COLUMN user_id DROP NOT NULL;
