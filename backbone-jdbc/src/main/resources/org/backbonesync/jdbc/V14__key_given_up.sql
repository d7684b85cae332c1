-- Whether a row ignores the partner's changes because it gave its partner issue's key up to
-- another pair (SyncInfo.keyGivenUp: the partner's site was restored from a backup and gave the
-- key again), not by an admin's choice. False for rows made before: a row that had given its key
-- up then stays unlinked, as an admin's ignore does.
ALTER TABLE bb_sync_info ADD COLUMN key_given_up BOOLEAN DEFAULT FALSE NOT NULL;
