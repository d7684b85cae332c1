-- Whether a row ignores the partner's changes by an admin's choice (SyncInfo.ignoredByAdmin: set
-- through the admin API or imported so), not the engine's own (a partner issue gone, a key given
-- up after a Jira site restore): a new copy of the row's issue that the partner makes after a
-- restore links a row the engine unlinked again, never one an admin set to ignore. False for the
-- rows of before.
ALTER TABLE bb_sync_info ADD COLUMN ignored_by_admin BOOLEAN DEFAULT FALSE NOT NULL;
