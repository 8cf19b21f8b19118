-- V2: the audit log's remaining event fields and its signed checkpoints. An event row's hash is
-- SHA-256(prev_hash || canonical event) (org.pprl.core.audit.AuditChain); a checkpoint is the
-- service's Ed25519 signature over (seq, hash) of the latest event at the time it was made.

ALTER TABLE audit_events ADD COLUMN agency TEXT;
ALTER TABLE audit_events ADD COLUMN purpose TEXT;

CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  created TEXT NOT NULL
);
