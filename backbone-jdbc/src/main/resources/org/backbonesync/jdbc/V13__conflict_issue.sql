-- Conflict records are kept per connector and local issue, the newest 100 (ConflictStore.add
-- with keep, SyncEngine.CONFLICTS_KEPT), and read and trimmed newest first, hence the index.
-- The table was kept without bound before: older records go here, once, so that no apply's
-- trim deletes a long history inside its transaction.
DELETE FROM bb_conflict WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY
  connector_key, local_issue_key ORDER BY id DESC) AS newer FROM bb_conflict) ranked
  WHERE newer > 100);
CREATE INDEX bb_conflict_issue ON bb_conflict (connector_key, local_issue_key, id);
