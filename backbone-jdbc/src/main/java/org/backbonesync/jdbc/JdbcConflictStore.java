package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.ConflictStore;

/**
 * Conflict records in {@code bb_conflict}, read and trimmed per connector and local issue by the
 * index of {@code V13__conflict_issue.sql}. An add joins the caller's transaction (the apply that
 * settled the conflict), its trim too: one more statement per record, deleting about one row
 * (V13 trimmed what was kept before it).
 */
final class JdbcConflictStore implements ConflictStore {
  private static final String COLUMNS = "id, connector_key, local_issue_key, remote_issue_key,"
      + " mapping_id, local_json, remote_json, local_changed_at, remote_changed_at, winner,"
      + " rule_name, recorded_at";
  private static final String OF_ISSUE = " WHERE connector_key = ? AND local_issue_key = ?";

  private final JdbcStores db;

  JdbcConflictStore(JdbcStores db) {
    this.db = db;
  }

  @Override
  public ConflictRecord add(ConflictRecord r) {
    return db.run(c -> insert(c, r));
  }

  @Override
  public ConflictRecord add(ConflictRecord r, int keep) {
    return db.run(c -> {
      ConflictRecord stored = insert(c, r);
      if (r.localIssueKey() != null) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM bb_conflict" + OF_ISSUE
            + " AND id <= (SELECT id FROM bb_conflict" + OF_ISSUE
            + " ORDER BY id DESC OFFSET ? ROWS FETCH FIRST 1 ROW ONLY)")) {
          bind(s, r.connectorKey(), r.localIssueKey(), r.connectorKey(), r.localIssueKey(),
              Math.max(1, keep));
          s.executeUpdate();
        }
      }
      return stored;
    });
  }

  private static ConflictRecord insert(Connection c, ConflictRecord r) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO bb_conflict (connector_key,"
        + " local_issue_key, remote_issue_key, mapping_id, local_json, remote_json,"
        + " local_changed_at, remote_changed_at, winner, rule_name, recorded_at) VALUES (?, ?,"
        + " ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      bind(s, r.connectorKey(), r.localIssueKey(), r.remoteIssueKey(), r.fieldMappingId(),
          Json.write(r.localValue()), Json.write(r.remoteValue()), r.localChangedAt(),
          r.remoteChangedAt(), r.winner().name(), r.rule().name(), r.recordedAt());
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return r.withId(keys.getLong(1));
      }
    }
  }

  @Override
  public List<ConflictRecord> list(String connectorKey, String localIssueKey) {
    return select(connectorKey, localIssueKey, " ORDER BY id", null);
  }

  @Override
  public List<ConflictRecord> list(String connectorKey, String localIssueKey, int limit) {
    List<ConflictRecord> newest = select(connectorKey, localIssueKey,
        " ORDER BY id DESC FETCH FIRST ? ROWS ONLY", Math.max(1, limit));
    Collections.reverse(newest);
    return newest;
  }

  private List<ConflictRecord> select(String connectorKey, String localIssueKey, String order,
      Integer limit) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>(List.of(connectorKey));
      if (localIssueKey != null) {
        args.add(localIssueKey);
      }
      if (limit != null) {
        args.add(limit);
      }
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM bb_conflict"
          + (localIssueKey == null ? " WHERE connector_key = ?" : OF_ISSUE) + order)) {
        bind(s, args.toArray());
        return records(s);
      }
    });
  }

  private List<ConflictRecord> records(PreparedStatement s) throws SQLException {
    List<ConflictRecord> records = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        try {
          records.add(new ConflictRecord(r.getLong(1), r.getString(2), r.getString(3),
              r.getString(4), r.getString(5), Json.read(r.getString(6)),
              Json.read(r.getString(7)), r.getLong(8), r.getLong(9),
              ConflictRecord.Winner.valueOf(r.getString(10)),
              ConflictRecord.Rule.valueOf(r.getString(11)), r.getLong(12)));
        } catch (RuntimeException e) {
          db.corrupt().report("bb_conflict", String.valueOf(r.getLong(1)),
              "conflict record of " + r.getString(3), e);
        }
      }
    }
    return records;
  }
}
