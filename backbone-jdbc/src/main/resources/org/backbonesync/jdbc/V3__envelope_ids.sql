-- The envelope ids the transports between processes have taken, each until it expires, so that
-- an envelope delivered again is refused after a restart too (EnvelopeIdStore). Ids are at most
-- 100 characters and scopes 200 (synchronization and connector). Expired rows are deleted by
-- until_ms, hence its index.
CREATE TABLE bb_envelope_id (
  scope VARCHAR(200) NOT NULL,
  envelope_id VARCHAR(100) NOT NULL,
  until_ms BIGINT NOT NULL,
  PRIMARY KEY (scope, envelope_id)
);
CREATE INDEX bb_envelope_id_until ON bb_envelope_id (until_ms);
