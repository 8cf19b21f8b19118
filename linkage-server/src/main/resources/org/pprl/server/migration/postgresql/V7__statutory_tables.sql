-- PostgreSQL's reading of sqlite/V7 (the same tables, columns and constraints). SQLite numbers
-- every row in insertion order (rowid), and releases are read back in that order; PostgreSQL has no
-- such column, so statutory_releases declares one under the same name. Keep the two in step.
-- V7: statutory tables. A project declares the tables the law requires (name and question, JSON
-- array in `statutory`); they are released with exact counts and suppression audited across the
-- whole set. What was released is kept per population (the same records, values and links give the
-- same population id whichever project or run they come from), with the question shapes it was
-- evaluated under, so that a later release over the same population, from any project, is audited
-- together with it and never contradicts it.

ALTER TABLE projects ADD COLUMN statutory TEXT NOT NULL DEFAULT '[]';

CREATE TABLE statutory_releases (
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  population TEXT NOT NULL,
  question TEXT NOT NULL,
  policy TEXT NOT NULL,
  released TEXT NOT NULL,
  released_at TEXT NOT NULL,
  PRIMARY KEY (population, question, policy)
);

-- A project's statutory tables are released once, over the population of the run they were first
-- asked about: two exact releases over populations that differ by a few persons would tell, by
-- their difference, what those persons did. A new reporting period is a new project.
CREATE TABLE project_statutory (
  project INTEGER PRIMARY KEY REFERENCES projects (id),
  population TEXT NOT NULL,
  run INTEGER NOT NULL REFERENCES runs (id)
);
