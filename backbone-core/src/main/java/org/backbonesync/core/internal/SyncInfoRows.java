package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * A local connector's sync information rows as the admin reads and edits them one at a time:
 * found by key, and a pair's incoming changes ignored or taken again. (Imports are {@link
 * SyncInfoAdmin}'s.)
 */
final class SyncInfoRows {
  private final Stores stores;
  private final Clock clock;

  SyncInfoRows(Stores stores, Clock clock) {
    this.stores = stores;
    this.clock = clock;
  }

  /** The rows whose keys match (null for any), in id order. */
  List<SyncInfo> find(String connectorKey, String localIssueKey, String remoteIssueKey) {
    // A filter by key reads the one row it names, not the table.
    Optional<SyncInfo> row = localIssueKey != null
        ? stores.syncInfo().findByLocalKey(connectorKey, localIssueKey)
        : remoteIssueKey != null ? stores.syncInfo().findByRemoteKey(connectorKey, remoteIssueKey)
        : null;
    return (row != null ? row.stream() : stores.syncInfo().list(connectorKey).stream())
        .filter(r -> localIssueKey == null || localIssueKey.equals(r.localIssueKey()))
        .filter(r -> remoteIssueKey == null || remoteIssueKey.equals(r.remoteIssueKey()))
        .toList();
  }

  /** Sets or clears a row's {@code incomingChangesIgnored}; see the engine's method. */
  Optional<SyncInfo> setIncomingChangesIgnored(LocalConnectors.Local local, String connectorKey,
      long syncInfoId, boolean ignored) {
    Optional<SyncInfo> row = stores.syncInfo().findById(connectorKey, syncInfoId);
    Optional<TrackedIssue> issue = row.filter(r -> r.incomingChangesIgnored() && !ignored)
        .flatMap(r -> local.connector().ownIssue(r.localIssueKey()));
    if (issue.isPresent()) {
      // Taken again: what was ignored must come back. The row is made anew (a new epoch) and
      // our issue goes whole to the partner, saying it saw none of its messages; the partner
      // sends its own whole to the new row (comments and attachments linked, not copied twice),
      // as after a row made again; changes made on both sides meanwhile meet as conflicts.
      local.resender().sendWhole(issue.get(), syncInfoId, () -> {
        // (it keeps what it applied, so an old message still on its way stays a duplicate)
        return stores.syncInfo().findByIdForUpdate(connectorKey, syncInfoId).orElseThrow()
            .withIncomingChangesIgnored(false).madeAnew(clock.millis());
      }, true);
      return stores.syncInfo().findById(connectorKey, syncInfoId);
    }
    return stores.inTransaction(() -> {
      Optional<SyncInfo> locked = stores.syncInfo().findByIdForUpdate(connectorKey, syncInfoId);
      locked.ifPresent(r -> stores.syncInfo().update(r.withIncomingChangesIgnored(ignored)));
      return locked.map(r -> r.withIncomingChangesIgnored(ignored));
    });
  }
}
