-- V5: what analysts may ask and stewards may see. `questions` is the project's declared question
-- shapes as JSON (org.pprl.core.query.QuestionPolicy: categories per attribute, dated attributes,
-- window lengths, minimum cohort); '{}' declares none, so a project made before V5 allows no
-- breakdown, filter or window until it is declared. A record-level purpose is one for which
-- stewards may read consented matches (service coordination); any other purpose is for aggregate
-- questions only. Minimum cell sizes below the law's floor of 6 are raised to it.

ALTER TABLE projects ADD COLUMN questions TEXT NOT NULL DEFAULT '{}';

CREATE TABLE project_record_level_purposes (
  project INTEGER NOT NULL REFERENCES projects (id),
  purpose TEXT NOT NULL,
  PRIMARY KEY (project, purpose)
);

UPDATE projects SET min_cell_size = 6 WHERE min_cell_size < 6;
