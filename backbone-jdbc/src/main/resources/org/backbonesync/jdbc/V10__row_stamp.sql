-- The store's stamp of a row's last write (SyncInfo.stamp, SyncInfoStore.nextStamp): from one
-- sequence for every node sharing the database, so that a poll tells a row written after its
-- search began without comparing the nodes' clocks. 0 for rows written before.
CREATE SEQUENCE bb_stamp;
ALTER TABLE bb_sync_info ADD COLUMN stamp BIGINT DEFAULT 0 NOT NULL;
