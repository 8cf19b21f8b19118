-- V1: who may call the service, the projects they work in, the extracts uploaded to them, and the
-- audit log's table. Times are ISO-8601 UTC strings. Later tables come with later migrations.

CREATE TABLE agencies (
  id TEXT PRIMARY KEY,
  created TEXT NOT NULL
);

-- A principal is one bearer token bound to a role (and, for a steward, to one agency). Only the
-- SHA-256 of the token is kept.
CREATE TABLE principals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT,
  role TEXT NOT NULL CHECK (role IN ('admin', 'steward', 'analyst', 'auditor')),
  agency TEXT REFERENCES agencies (id),
  token_hash TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL,
  CHECK ((role = 'steward') = (agency IS NOT NULL))
);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  schema_fingerprint TEXT NOT NULL,
  min_cell_size INTEGER NOT NULL CHECK (min_cell_size >= 1),
  created TEXT NOT NULL
);

CREATE TABLE project_agencies (
  project INTEGER NOT NULL REFERENCES projects (id),
  agency TEXT NOT NULL REFERENCES agencies (id),
  PRIMARY KEY (project, agency)
);

-- Every accepted upload is a version; exactly one per (project, agency) is current.
CREATE TABLE extract_versions (
  project INTEGER NOT NULL,
  agency TEXT NOT NULL,
  version INTEGER NOT NULL,
  record_count INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  file_name TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  current INTEGER NOT NULL CHECK (current IN (0, 1)),
  PRIMARY KEY (project, agency, version),
  FOREIGN KEY (project, agency) REFERENCES project_agencies (project, agency)
);

CREATE UNIQUE INDEX extract_versions_one_current
  ON extract_versions (project, agency) WHERE current = 1;

CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  actor INTEGER,
  role TEXT,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
