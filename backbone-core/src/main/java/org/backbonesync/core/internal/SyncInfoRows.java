package org.backbonesync.core.internal;

import java.util.List;
import java.util.Optional;
import org.backbonesync.core.AdminException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * A local connector's sync information rows as the admin reads and edits them one at a time:
 * found by key, and a pair's incoming changes ignored or taken again. (Imports are {@link
 * SyncInfoAdmin}'s.)
 */
final class SyncInfoRows {
  /** How often a take-back reads the pair again when a step wrote it meanwhile. */
  private static final int TAKE_BACK_ATTEMPTS = 5;

  private final Stores stores;

  SyncInfoRows(Stores stores) {
    this.stores = stores;
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
    for (int attempt = 0; attempt < TAKE_BACK_ATTEMPTS; attempt++) {
      Optional<SyncInfo> row = stores.syncInfo().findById(connectorKey, syncInfoId);
      if (ignored) {
        return setFlag(connectorKey, syncInfoId, true);
      }
      if (row.isEmpty() || !row.get().incomingChangesIgnored()) {
        // cleared already, as read: nothing to write (a set since then comes after this clear;
        // clearing it under a lock would drop it without taking the pair back)
        return row;
      }
      // Taken again: what was ignored must come back. The row is made anew (a new epoch) and
      // our issue goes whole to the partner, saying it saw none of its messages; the partner
      // sends its own whole to the new row (comments and attachments linked, not copied twice),
      // as after a row made again; changes made on both sides meanwhile meet as conflicts.
      // (The row keeps what it applied, so an old message still on its way stays a duplicate.)
      Resender.TakenBack taken = local.resender().takeBack(row.get());
      if (taken == Resender.TakenBack.GONE) {
        return setFlag(connectorKey, syncInfoId, false); // (the poll tells the partner)
      }
      if (taken == Resender.TakenBack.SENT) {
        return stores.syncInfo().findById(connectorKey, syncInfoId);
      }
    }
    throw new AdminException(409, "incomingChangesIgnored of sync information " + syncInfoId
        + " was not cleared: the row was written meanwhile on each of " + TAKE_BACK_ATTEMPTS
        + " tries; clear it again");
  }

  private Optional<SyncInfo> setFlag(String connectorKey, long syncInfoId, boolean ignored) {
    return stores.inTransaction(() -> {
      Optional<SyncInfo> locked = stores.syncInfo().findByIdForUpdate(connectorKey, syncInfoId);
      if (locked.isEmpty() || (ignored ? locked.get().ignoredByAdmin()
          : !locked.get().incomingChangesIgnored())) {
        return locked; // (as asked already: not written, so its stamp tells no write)
      }
      SyncInfo set = locked.get().withIgnoredByAdmin(ignored);
      stores.syncInfo().update(set);
      return Optional.of(set);
    });
  }
}
