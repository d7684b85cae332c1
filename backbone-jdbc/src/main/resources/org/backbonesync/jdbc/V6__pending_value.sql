-- The value a pending change sent (PendingChange.value): a change is weighed only while the
-- field still holds it. NULL for changes recorded before, which are weighed as they were.
ALTER TABLE bb_pending_change ADD COLUMN value_json TEXT;
