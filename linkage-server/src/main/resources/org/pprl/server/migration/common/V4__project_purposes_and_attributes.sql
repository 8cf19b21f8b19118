-- V4: what a project allows. Its purposes are the ones questions and consented matches may state;
-- its attributes are the only ones an uploaded extract may carry (an extract with any other is
-- refused). Projects made before V4 allow no purpose and no attribute.

CREATE TABLE project_purposes (
  project INTEGER NOT NULL REFERENCES projects (id),
  purpose TEXT NOT NULL,
  PRIMARY KEY (project, purpose)
);

CREATE TABLE project_attributes (
  project INTEGER NOT NULL REFERENCES projects (id),
  attribute TEXT NOT NULL,
  PRIMARY KEY (project, attribute)
);
