-- Conflict records are read and trimmed per connector and local issue, newest first
-- (ConflictStore.add with keep, list with limit): without this index each was a scan of every
-- record, and the table, kept without bound before, now keeps the newest records per issue.
CREATE INDEX bb_conflict_issue ON bb_conflict (connector_key, local_issue_key, id);
