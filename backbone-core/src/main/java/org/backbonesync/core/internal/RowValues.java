package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.Stores;

/**
 * The last synced values (and pending changes and skipped bases) of the rows of a poll's page or
 * an apply's round, read for all of them at once after their pairs are claimed, instead of one
 * read per row. Each row's are handed out once: a second ask, or a row not read at once, reads
 * the store, so what a step wrote meanwhile is never hidden.
 */
final class RowValues {
  private final Stores stores;
  private final Map<Long, Map<String, JsonNode>> synced = new HashMap<>();
  private final Map<Long, Map<String, PendingChange>> pending = new HashMap<>();
  private final Map<Long, Map<String, JsonNode>> skipped = new HashMap<>();
  /** The last synced values as read at once, kept when handed out, until {@link #clear}. */
  private Map<Long, Map<String, JsonNode>> syncedAsRead = Map.of();

  RowValues(Stores stores) {
    this.stores = stores;
  }

  /** Reads the rows' last synced values, and their pending changes when asked, at once. */
  void read(Collection<Long> rowIds, boolean withPending) {
    read(rowIds, withPending, false);
  }

  /**
   * Reads the rows' last synced values, and when asked their pending changes and skipped bases
   * ({@link SkippedChanges}: an apply's round with a merged field), at once.
   */
  void read(Collection<Long> rowIds, boolean withPending, boolean withSkipped) {
    clear();
    if (rowIds.size() < 2) {
      return; // (one row is read when asked for: a query either way)
    }
    syncedAsRead = stores.syncInfo().syncedValues(rowIds);
    synced.putAll(syncedAsRead);
    if (withPending) {
      pending.putAll(stores.syncInfo().pendingChanges(rowIds));
    }
    if (withSkipped) {
      skipped.putAll(stores.syncInfo().skippedBases(rowIds));
    }
  }

  /** A row's last synced values: as read at once, the first time. */
  Map<String, JsonNode> synced(long rowId) {
    Map<String, JsonNode> read = synced.remove(rowId);
    return read != null ? read : stores.syncInfo().syncedValues(rowId);
  }

  /** A row's pending changes: as read at once, the first time. */
  Map<String, PendingChange> pending(long rowId) {
    Map<String, PendingChange> read = pending.remove(rowId);
    return read != null ? read : stores.syncInfo().pendingChanges(rowId);
  }

  /** A row's skipped bases: as read at once, the first time. */
  Map<String, JsonNode> skipped(long rowId) {
    Map<String, JsonNode> read = skipped.remove(rowId);
    return read != null ? read : stores.syncInfo().skippedBases(rowId);
  }

  /**
   * The last synced values as read at once, by row id, handed out or not: for the group commit's
   * lock ({@link GroupCommit#knowRows}); a row written since has a new stamp there. Not to
   * change.
   */
  Map<Long, Map<String, JsonNode>> syncedAsRead() {
    return syncedAsRead;
  }

  /** Forgets what was read at once (the page or round is done). */
  void clear() {
    syncedAsRead = Map.of(); // (not cleared: a group commit may hold it)
    synced.clear();
    pending.clear();
    skipped.clear();
  }
}
