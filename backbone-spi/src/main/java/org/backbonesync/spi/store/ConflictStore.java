package org.backbonesync.spi.store;

import java.util.List;

/**
 * Conflict and rejection records, for admins to see what happened to concurrent changes. The
 * engine adds through {@link #add(ConflictRecord, int)} and lists through {@link #list(String,
 * String, int)}, so that the records grow with issues, not with messages (a partner that keeps
 * changing an issue this side is responsible for adds a refusal per change).
 */
public interface ConflictStore {

  /** Stores a record, ignoring its id, and returns it with its id (ids increase). */
  ConflictRecord add(ConflictRecord record);

  /**
   * A connector's records, oldest first.
   *
   * @param localIssueKey only those of this local issue, or null for all
   */
  List<ConflictRecord> list(String connectorKey, String localIssueKey);

  /**
   * Stores a record as {@link #add(ConflictRecord)} does, in the caller's transaction, and keeps
   * the newest {@code keep} records of its connector and local issue: older ones go at once or in
   * batches (a store may let an issue hold up to about twice {@code keep}). The default keeps
   * every record; {@code SyncInfoStoreCompatibilityKit} (backbone-testkit) expects the
   * trimming, and ids that increase past it.
   *
   * @param keep the records kept per connector and local issue (below 1 taken as 1); a record
   *     without a local issue is kept
   * @since 0.1.0
   */
  default ConflictRecord add(ConflictRecord record, int keep) {
    return add(record);
  }

  /**
   * The newest {@code limit} of a connector's records, oldest first. The default reads them all
   * and keeps the newest; a store should read only those. A limit below 1 is taken as 1.
   *
   * @param localIssueKey only those of this local issue, or null for all
   * @param limit at most this many
   * @since 0.1.0
   */
  default List<ConflictRecord> list(String connectorKey, String localIssueKey, int limit) {
    List<ConflictRecord> all = list(connectorKey, localIssueKey);
    return all.subList(Math.max(0, all.size() - Math.max(1, limit)), all.size());
  }
}
