-- Records entered after the fact (补录 from the paper book) are a permission of the person.
ALTER TABLE users ADD COLUMN may_backdate BOOLEAN NOT NULL DEFAULT FALSE;
