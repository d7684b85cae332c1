-- When a row was made (SyncInfo.madeAt): an import may set first_sync_date to any time, so the
-- rows of one issue are ordered by this instead. 0 for rows made before, which keep their order
-- by first_sync_date.
ALTER TABLE bb_sync_info ADD COLUMN made_at BIGINT DEFAULT 0 NOT NULL;
