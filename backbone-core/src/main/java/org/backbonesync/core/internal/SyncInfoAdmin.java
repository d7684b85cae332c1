package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.SyncInfoImport;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/** Imports sync information all or nothing, after checking every row. */
final class SyncInfoAdmin {
  private final Stores stores;
  private final Clock clock;

  SyncInfoAdmin(Stores stores, Clock clock) {
    this.stores = stores;
    this.clock = clock;
  }

  int importRows(Connector connector, List<SyncInfoImport> rows) {
    String key = connector.key();
    List<ConfigurationProblem> problems = check(connector, rows);
    if (!problems.isEmpty()) {
      throw new AdminException(400, "nothing imported: " + problems.size()
          + (problems.size() == 1 ? " problem" : " problems"), problems);
    }
    long now = clock.millis();
    stores.inTransaction(() -> {
      for (SyncInfoImport row : rows) {
        stores.syncInfo().insert(new SyncInfo(0, key, row.localIssueKey(), row.remoteIssueKey(),
            or(row.firstSyncDate(), now), or(row.lastOutgoingChange(), 0),
            or(row.lastChangeSeen(), now), or(row.outgoingMessageSequenceId(), 0),
            or(row.lastIncomingChange(), 0), or(row.incomingMessageSequenceId(), 0),
            row.incomingChangesIgnored() != null && row.incomingChangesIgnored()));
      }
    });
    return rows.size();
  }

  /** Every problem of the rows, each with its row index; none means they can be imported. */
  List<ConfigurationProblem> check(Connector connector, List<SyncInfoImport> rows) {
    String key = connector.key();
    List<ConfigurationProblem> problems = new ArrayList<>();
    Map<String, Integer> locals = new HashMap<>();
    Map<String, Integer> remotes = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      SyncInfoImport row = rows.get(i);
      String at = "$[" + i + "]";
      if (row == null) {
        problems.add(new ConfigurationProblem(at, "must be an object"));
        continue;
      }
      String local = row.localIssueKey();
      if (local == null || local.isBlank()) {
        problems.add(new ConfigurationProblem(at + ".localIssueKey", "missing"));
      } else if (!connector.inProject(local)) {
        problems.add(new ConfigurationProblem(at + ".localIssueKey", "\"" + local
            + "\" is not an issue of project " + connector.config.projectKey()));
      } else if (locals.putIfAbsent(local, i) != null) {
        problems.add(new ConfigurationProblem(at + ".localIssueKey", "\"" + local
            + "\" is also in row " + locals.get(local)));
      } else if (stores.syncInfo().findByLocalKey(key, local).isPresent()) {
        problems.add(new ConfigurationProblem(at + ".localIssueKey", "\"" + local
            + "\" is already paired with " + stores.syncInfo().findByLocalKey(key, local)
                .orElseThrow().remoteIssueKey()));
      }
      String remote = row.remoteIssueKey();
      if (remote == null || remote.isBlank()) {
        problems.add(new ConfigurationProblem(at + ".remoteIssueKey", "missing"));
      } else if (remotes.putIfAbsent(remote, i) != null) {
        problems.add(new ConfigurationProblem(at + ".remoteIssueKey", "\"" + remote
            + "\" is also in row " + remotes.get(remote)));
      } else if (stores.syncInfo().findByRemoteKey(key, remote).isPresent()) {
        problems.add(new ConfigurationProblem(at + ".remoteIssueKey", "\"" + remote
            + "\" is already paired with " + stores.syncInfo().findByRemoteKey(key, remote)
                .orElseThrow().localIssueKey()));
      }
      notNegative(at + ".firstSyncDate", row.firstSyncDate(), problems);
      notNegative(at + ".lastOutgoingChange", row.lastOutgoingChange(), problems);
      notNegative(at + ".lastChangeSeen", row.lastChangeSeen(), problems);
      notNegative(at + ".outgoingMessageSequenceId", row.outgoingMessageSequenceId(), problems);
      notNegative(at + ".lastIncomingChange", row.lastIncomingChange(), problems);
      notNegative(at + ".incomingMessageSequenceId", row.incomingMessageSequenceId(), problems);
    }
    return problems;
  }

  private static long or(Long value, long fallback) {
    return value == null ? fallback : value;
  }

  private static void notNegative(String path, Long value, List<ConfigurationProblem> problems) {
    if (value != null && value < 0) {
      problems.add(new ConfigurationProblem(path, "must not be negative, was " + value));
    }
  }
}
