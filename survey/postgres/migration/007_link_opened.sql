-- When a self-response link's form was first loaded in a browser ('' while never), so that
-- a supervisor sees which alumni opened their link without answering.
ALTER TABLE links ADD COLUMN opened_at TEXT NOT NULL DEFAULT '';
