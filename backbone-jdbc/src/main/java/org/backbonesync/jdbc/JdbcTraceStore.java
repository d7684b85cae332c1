package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceStore;

/**
 * The trace in {@code bb_trace} (script {@code V7__trace.sql}). One call is one transaction of its
 * own (never the caller's): the entries in one batch, then one trimming delete per issue they name, which keeps the newest
 * {@code keep} by id (the delete finds the id {@code keep} back through the index).
 */
final class JdbcTraceStore implements TraceStore {
  private static final String WHERE_ISSUE =
      " WHERE connector_key = ? AND direction = ? AND issue_key = ?";

  private final JdbcStores db;

  JdbcTraceStore(JdbcStores db) {
    this.db = db;
  }

  private record Issue(String connectorKey, String direction, String issueKey) {}

  @Override
  public void add(List<TraceEntry> entries, int keep) {
    if (entries.isEmpty() || keep <= 0) {
      return;
    }
    db.alone(c -> {
      // trimmed in one order on every node, so that two nodes' trims cannot deadlock
      Set<Issue> issues = new TreeSet<>(Comparator.comparing(Issue::connectorKey)
          .thenComparing(Issue::direction).thenComparing(Issue::issueKey));
      try (PreparedStatement s = c.prepareStatement("INSERT INTO bb_trace (connector_key,"
          + " direction, issue_key, message_id, sequence_id, kind, outcome, detail, at_millis)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (TraceEntry e : entries) {
          bind(s, e.connectorKey(), e.direction().name(), e.issueKey(), e.messageId(),
              e.sequenceId(), e.kind(), e.outcome().name(), e.detail(), e.at());
          s.addBatch();
          issues.add(new Issue(e.connectorKey(), e.direction().name(), e.issueKey()));
        }
        s.executeBatch();
      }
      try (PreparedStatement s = c.prepareStatement("DELETE FROM bb_trace" + WHERE_ISSUE
          + " AND id <= (SELECT id FROM bb_trace" + WHERE_ISSUE
          + " ORDER BY id DESC OFFSET ? ROWS FETCH FIRST 1 ROW ONLY)")) {
        for (Issue i : issues) {
          bind(s, i.connectorKey(), i.direction(), i.issueKey(), i.connectorKey(),
              i.direction(), i.issueKey(), keep);
          s.addBatch();
        }
        s.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction,
      String issueKey, int limit) {
    return db.read(c -> {
      List<TraceEntry> newest = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id, message_id, sequence_id, kind,"
          + " outcome, detail, at_millis FROM bb_trace" + WHERE_ISSUE
          + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY")) {
        bind(s, connectorKey, direction.name(), issueKey, limit);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            TraceEntry e = entry(r, connectorKey, direction, issueKey);
            if (e != null) {
              newest.add(0, e);
            }
          }
        }
      }
      return newest;
    });
  }

  private TraceEntry entry(ResultSet r, String connectorKey, TraceEntry.Direction direction,
      String issueKey) throws SQLException {
    try {
      return new TraceEntry(r.getLong(1), connectorKey, direction, issueKey, r.getString(2),
          r.getLong(3), r.getString(4), TraceEntry.Outcome.valueOf(r.getString(5)),
          r.getString(6), r.getLong(7));
    } catch (RuntimeException e) {
      db.corrupt().report("bb_trace", String.valueOf(r.getLong(1)),
          "trace entry of " + issueKey, e);
      return null;
    }
  }
}
