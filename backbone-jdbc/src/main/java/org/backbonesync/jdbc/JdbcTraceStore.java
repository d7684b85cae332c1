package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceStore;

/**
 * The trace in {@code bb_trace} (script {@code V7__trace.sql}). One call is one transaction of its
 * own (never the caller's): the entries in one batch, then a trimming delete for each issue due
 * one, which keeps the newest {@code keep} by id (the delete finds the id {@code keep} back
 * through the index).
 *
 * <p>An issue is trimmed on its first add in this store and then by the add that brings more
 * than {@code keep} entries since its last trim, not on every add: a delete per issue per call
 * was about 12 % of a node's waiting for PostgreSQL in {@code TwoNodeBenchmark}. So an issue holds
 * at most twice {@code keep} entries per store writing it (plus, for a moment, entries of another
 * thread's add committing after the trim that reset its count), and {@link #list} with a limit
 * of {@code keep} answers exactly the newest. The counts are forgotten past {@link #COUNTED}
 * issues, and for a call's issues when its transaction fails: an issue this store does not
 * count is trimmed on its next add.
 */
final class JdbcTraceStore implements TraceStore {
  private static final String WHERE_ISSUE =
      " WHERE connector_key = ? AND direction = ? AND issue_key = ?";
  /** The order of every node's trims, so that two nodes' trims cannot deadlock. */
  private static final Comparator<Issue> TRIM_ORDER = Comparator.comparing(Issue::connectorKey)
      .thenComparing(Issue::direction).thenComparing(Issue::issueKey);
  /** The most issues whose adds since their last trim are counted (a few MB of heap). */
  static final int COUNTED = 50_000;

  private static final String INSERT = "INSERT INTO bb_trace (connector_key, direction,"
      + " issue_key, message_id, sequence_id, kind, outcome, detail, at_millis)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /**
   * PostgreSQL's form of {@link #INSERT} for many entries: about half of what a JDBC batch of a
   * page's entries allocated, each entry's parameters bound and copied one by one
   * ({@code TwoNodeBenchmark}, JFR). The ids number the entries in their order, as the batch did.
   */
  static final Map<String, ManyRows> MANY_ROWS = Map.of(INSERT, ManyRows.of("INSERT INTO"
      + " bb_trace (connector_key, direction, issue_key, message_id, sequence_id, kind, outcome,"
      + " detail, at_millis) SELECT convert_from(ck, 'UTF8'), convert_from(dir, 'UTF8'),"
      + " convert_from(issue, 'UTF8'), convert_from(id, 'UTF8'), seq, convert_from(kind,"
      + " 'UTF8'), convert_from(outcome, 'UTF8'), convert_from(detail, 'UTF8'), at FROM %s"
      + " WITH ORDINALITY AS v(ck, dir, issue, id, seq, kind, outcome, detail, at, n)"
      + " ORDER BY n", false, ManyRows.UTF8, ManyRows.UTF8, ManyRows.UTF8, ManyRows.UTF8,
      "int8", ManyRows.UTF8, ManyRows.UTF8, ManyRows.UTF8, "int8"));

  private final JdbcStores db;
  /** Per issue, the entries added since this store last trimmed it. */
  private final Map<Issue, Integer> sinceTrim = new ConcurrentHashMap<>();

  JdbcTraceStore(JdbcStores db) {
    this.db = db;
  }

  private record Issue(String connectorKey, String direction, String issueKey) {}

  @Override
  public void add(List<TraceEntry> entries, int keep) {
    if (entries.isEmpty() || keep <= 0) {
      return;
    }
    Map<Issue, Integer> added = new HashMap<>();
    for (TraceEntry e : entries) {
      added.merge(new Issue(e.connectorKey(), e.direction().name(), e.issueKey()), 1,
          Integer::sum);
    }
    Set<Issue> due = dueForTrim(added, keep);
    try {
      db.alone(c -> {
        insert(c, entries);
        trim(c, due, keep);
        return null;
      });
    } catch (RuntimeException | Error e) {
      added.keySet().forEach(sinceTrim::remove); // (not counted: trimmed on their next add)
      throw e;
    }
  }

  /**
   * The issues to trim in this call, in {@link #TRIM_ORDER}; counts the added entries of the
   * others.
   */
  private Set<Issue> dueForTrim(Map<Issue, Integer> added, int keep) {
    if (sinceTrim.size() > COUNTED) {
      sinceTrim.clear();
    }
    Set<Issue> due = new TreeSet<>(TRIM_ORDER);
    added.forEach((issue, count) -> sinceTrim.compute(issue, (k, since) -> {
      if (since == null || since + count > keep) {
        due.add(issue);
        return 0; // (this call's entries are among the newest the trim keeps)
      }
      return since + count;
    }));
    return due;
  }

  /** Inserts the entries in one statement where the database has its form, else in a batch. */
  private void insert(Connection c, List<TraceEntry> entries) throws SQLException {
    List<Object[]> rows = new ArrayList<>(entries.size());
    for (TraceEntry e : entries) {
      rows.add(new Object[] {e.connectorKey(), e.direction().name(), e.issueKey(),
          e.messageId(), e.sequenceId(), e.kind(), e.outcome().name(), e.detail(), e.at()});
    }
    ManyRows many = db.manyRows(INSERT);
    if (many != null && rows.size() > 1) {
      many.write(c, rows);
      return;
    }
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      for (Object[] row : rows) {
        bind(s, row);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void trim(Connection c, Set<Issue> issues, int keep) throws SQLException {
    if (issues.isEmpty()) {
      return;
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
