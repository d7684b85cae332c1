-- Which row of the partner a row talks with (SyncInfo.partnerEpoch, 0 until the partner's first
-- message of format version 2 says it) and the sequence id of its first message to that row
-- (SyncInfo.partnerSince). Rows from before keep 0 and go on as they did.
ALTER TABLE bb_sync_info ADD COLUMN partner_epoch BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE bb_sync_info ADD COLUMN partner_since BIGINT DEFAULT 0 NOT NULL;
