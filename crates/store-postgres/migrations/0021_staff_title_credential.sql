-- 亮证服务 (FED-4, SCH-9): a staff member's title (职务) and credential number (工作证号), shown with
-- their name on every registration record they take (issue 17). Both may be left unset.
ALTER TABLE users ADD COLUMN title TEXT;
ALTER TABLE users ADD COLUMN credential TEXT;
