package org.backbonesync.spi.store;

import java.util.List;

/** Conflict and rejection records, for admins to see what happened to concurrent changes. */
public interface ConflictStore {

  /** Stores a record, ignoring its id, and returns it with its id (ids increase). */
  ConflictRecord add(ConflictRecord record);

  /**
   * A connector's records, oldest first.
   *
   * @param localIssueKey only those of this local issue, or null for all
   */
  List<ConflictRecord> list(String connectorKey, String localIssueKey);
}
