-- A test upgrade; its comments may hold semicolons; they are not statements.
ALTER TABLE bb_sync_info ADD COLUMN note VARCHAR(255) DEFAULT 'upgraded';
CREATE INDEX bb_sync_info_remote_idx ON bb_sync_info (remote_issue_key)
