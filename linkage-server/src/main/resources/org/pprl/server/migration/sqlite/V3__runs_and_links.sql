-- V3: linkage runs and the links they produce. A run is queued by an admin and executed by the
-- service's one worker; its row says where it is (status, phase) and, once it succeeded, what it
-- found (summary, JSON of counts). `links` holds each project's CURRENT link set: only records in
-- an entity of two or more records, each with the entity's stable link id. A succeeding run
-- replaces its project's links, its own status and its audit event in one transaction.

CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project INTEGER NOT NULL REFERENCES projects (id),
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  phase TEXT,
  requested_by INTEGER NOT NULL REFERENCES principals (id),
  queued_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  -- {"agency": version, ...}: the extract versions the run links, fixed when it is queued.
  extracts TEXT NOT NULL,
  -- Counts only (records per agency, entities, linked records, links and cut per agency pair,
  -- comparisons); null until the run succeeds.
  summary TEXT,
  -- Why a failed run failed: interrupted, extract_unreadable, unlinkable, internal.
  error TEXT,
  CHECK ((status = 'failed') = (error IS NOT NULL))
);

-- At most one run of a project is queued or running.
CREATE UNIQUE INDEX runs_one_active ON runs (project) WHERE status IN ('queued', 'running');

CREATE TABLE links (
  project INTEGER NOT NULL REFERENCES projects (id),
  agency TEXT NOT NULL,
  record_id TEXT NOT NULL,
  link_id TEXT NOT NULL,
  run INTEGER NOT NULL REFERENCES runs (id),
  PRIMARY KEY (project, agency, record_id)
);

CREATE INDEX links_by_link_id ON links (project, link_id);

-- The number of the next new link id of each project (L000001 is number 1); never reused.
CREATE TABLE link_counters (
  project INTEGER PRIMARY KEY REFERENCES projects (id),
  next INTEGER NOT NULL CHECK (next >= 1)
);
