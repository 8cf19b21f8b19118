-- V9: a token may expire and may be revoked (issue 14). Both are ISO-8601 UTC instants or null;
-- a token past its expiry or with a revocation time is refused like an unknown one.

ALTER TABLE principals ADD COLUMN expires TEXT;
ALTER TABLE principals ADD COLUMN revoked TEXT;
