package org.backbonesync.core.internal;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the row of an issue whose project's key was renamed: every key of the project changed
 * (PA-7 is PX-7 now, the number stays), but the rows still have the old keys until a message or
 * a poll meets each issue. A poll that finds an issue with no row looks for a row under each
 * other key the project is known by, with the same number, and takes it when the tracker leads
 * that old key to this very issue (by its stable id); the row then follows the issue's new key.
 * A project never renamed costs nothing here: its issues' keys have the only prefix there is.
 */
final class RenamedProject {
  private static final Logger log = LoggerFactory.getLogger(RenamedProject.class);

  private RenamedProject() {}

  /** The issue's row: under its key, else under its key before a rename (then re-keyed). */
  static Optional<SyncInfo> rowOf(Connector connector, Stores stores, TrackedIssue issue) {
    Optional<SyncInfo> row = stores.syncInfo().findByLocalKey(connector.key(), issue.key());
    return row.isPresent() ? row : underOldKey(connector, stores, issue);
  }

  /**
   * The row of an issue that has none under its key, under its key before a rename (then
   * re-keyed), if any.
   */
  static Optional<SyncInfo> underOldKey(Connector connector, Stores stores, TrackedIssue issue) {
    return foundUnderOldKey(connector, stores, issue)
        .map(old -> rekey(connector, stores, old, issue.key()));
  }

  /**
   * The row of an issue that has none under its key, as found under its key before a rename
   * (not re-keyed), if any.
   */
  static Optional<SyncInfo> foundUnderOldKey(Connector connector, Stores stores,
      TrackedIssue issue) {
    String key = issue.key();
    String prefix = IssueKeys.project(key);
    if (prefix == null) {
      return Optional.empty();
    }
    Set<String> others = new LinkedHashSet<>();
    others.add(connector.config.projectKey());
    others.addAll(connector.tracker.projectKeys());
    others.remove(prefix);
    for (String other : others) {
      String oldKey = other + "-" + IssueKeys.number(key);
      Optional<SyncInfo> old = stores.syncInfo().findByLocalKey(connector.key(), oldKey);
      if (old.isPresent() && connector.tracker.issue(oldKey)
          .filter(there -> there.key().equals(key) && there.sameIssue(issue)).isPresent()) {
        return old;
      }
    }
    return Optional.empty();
  }

  /** The row, following its issue to its new key within the project: as written, stamped. */
  static SyncInfo rekey(Connector connector, Stores stores, SyncInfo row, String newKey) {
    SyncInfo[] moved = new SyncInfo[1];
    stores.inTransaction(() -> {
      stores.syncInfo().update(connector.lockRow(stores, row.id()).withLocalIssueKey(newKey));
      moved[0] = connector.lockRow(stores, row.id()); // (its stamp: PageClaims knows its write)
    });
    log.info("{}: {} is now {}; its pair follows it", connector.key(), row.localIssueKey(),
        newKey);
    return moved[0];
  }
}
