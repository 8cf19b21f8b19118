-- V6: what each upload changed, for auditors, and the end of numbered link ids. `added` and
-- `removed` count the record ids of a version that its agency's previous current version did not
-- hold, and the reverse (the first version adds all its records). They stay null for versions
-- uploaded before V6, which were never compared: unknown, not zero. Link ids are now random
-- (LinkIds), so the per-project counter V3 made is dropped.

ALTER TABLE extract_versions ADD COLUMN added INTEGER CHECK (added >= 0);
ALTER TABLE extract_versions ADD COLUMN removed INTEGER CHECK (removed >= 0);

DROP TABLE link_counters;

-- Auditors' summaries (GET /audit/releases) read the upload and release events by action.
CREATE INDEX audit_events_by_action ON audit_events (action);
