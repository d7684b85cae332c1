-- Of a row's merged fields, what the engine keeps of the partner's changes the row did not take
-- (SyncInfoStore.skippedBases, the engine's JSON): the partner's next value is merged against
-- it. A row without any merges as before.
CREATE TABLE bb_skipped_base (
  sync_info_id BIGINT NOT NULL,
  mapping_id VARCHAR(255) NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (sync_info_id, mapping_id)
);
