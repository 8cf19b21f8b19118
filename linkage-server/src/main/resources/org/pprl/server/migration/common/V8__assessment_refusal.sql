-- V8: a project may refuse uploads whose attack self-assessment fails (docs/attacks.md). Every
-- upload is assessed and its verdict audited either way; this says whether a failing one is
-- stored.

ALTER TABLE projects ADD COLUMN refuse_failed_assessment INTEGER NOT NULL DEFAULT 0;
