package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;
import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.WatermarkStore;

/** Watermarks, tasks and conflict records in SQL tables. */
final class JdbcSmallStores implements WatermarkStore {
  private final JdbcStores db;
  private final TaskStore tasks = new Tasks();
  private final ConflictStore conflicts = new Conflicts();

  JdbcSmallStores(JdbcStores db) {
    this.db = db;
  }

  TaskStore tasks() {
    return tasks;
  }

  ConflictStore conflicts() {
    return conflicts;
  }

  @Override
  public OptionalLong watermark(String connectorKey) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT epoch_millis FROM bb_watermark WHERE connector_key = ?")) {
        s.setString(1, connectorKey);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
        }
      }
    });
  }

  @Override
  public void setWatermark(String connectorKey, long epochMillis) {
    db.run(c -> update(c, "UPDATE bb_watermark SET epoch_millis = ? WHERE connector_key = ?",
        epochMillis, connectorKey) > 0 ? 1 : update(c,
        "INSERT INTO bb_watermark (connector_key, epoch_millis) VALUES (?, ?)", connectorKey,
        epochMillis));
  }

  private final class Tasks implements TaskStore {
    private static final String COLUMNS = "id, connector_key, owner, start_timestamp, finished,"
        + " cancelled, has_failed, progress, message, completion_timestamp, result_json,"
        + " failure_message, request_json";

    /** The task of a row, or null when its JSON cannot be read (reported). */
    private AsyncTask readable(ResultSet r) throws SQLException {
      try {
        return task(r);
      } catch (RuntimeException e) {
        db.corrupt().report("bb_task", String.valueOf(r.getLong(1)), "task of "
            + r.getString(2), e);
        return null;
      }
    }

    private AsyncTask task(ResultSet r) throws SQLException {
      return new AsyncTask(String.valueOf(r.getLong(1)), r.getString(2), r.getString(3),
          r.getLong(4), r.getBoolean(5), r.getBoolean(6), r.getBoolean(7), r.getInt(8),
          r.getString(9), r.getLong(10), Json.read(r.getString(11)), r.getString(12),
          Json.read(r.getString(13)));
    }

    @Override
    public AsyncTask insert(AsyncTask t) {
      return db.run(c -> {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO bb_task (connector_key,"
            + " owner, start_timestamp, finished, cancelled, has_failed, progress, message,"
            + " completion_timestamp, result_json, failure_message, request_json) VALUES (?, ?,"
            + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
          bind(s, t.connectorKey(), t.owner(), t.startTimestamp(), t.finished(), t.cancelled(),
              t.hasFailed(), t.progress(), t.message(), t.completionTimestamp(),
              Json.write(t.result()), t.failureMessage(), Json.write(t.request()));
          s.executeUpdate();
          try (ResultSet keys = s.getGeneratedKeys()) {
            keys.next();
            return new AsyncTask(String.valueOf(keys.getLong(1)), t.connectorKey(), t.owner(),
                t.startTimestamp(), t.finished(), t.cancelled(), t.hasFailed(), t.progress(),
                t.message(), t.completionTimestamp(), t.result(), t.failureMessage(),
                t.request());
          }
        }
      });
    }

    @Override
    public void update(AsyncTask t) {
      long id = parse(t.id()).orElseThrow(
          () -> new IllegalArgumentException("no task with id " + t.id()));
      // a cancel, once stored, stays: an update from a copy read before it does not clear it
      int changed = db.run(c -> JdbcSyncInfoStore.update(c, "UPDATE bb_task SET finished = ?,"
          + " cancelled = (cancelled OR ?), has_failed = ?, progress = ?, message = ?, completion_timestamp = ?,"
          + " result_json = ?, failure_message = ?, request_json = ? WHERE id = ?", t.finished(),
          t.cancelled(), t.hasFailed(), t.progress(), t.message(), t.completionTimestamp(),
          Json.write(t.result()), t.failureMessage(), Json.write(t.request()), id));
      if (changed == 0) {
        throw new IllegalArgumentException("no task with id " + t.id());
      }
    }

    /**
     * The number of an id as {@link #insert} writes it, else empty: one spelling per task, as in
     * the in-memory store ({@code parseLong} alone takes {@code 07} and {@code +7} for 7).
     */
    private Optional<Long> parse(String id) {
      if (id == null || !id.matches("[1-9][0-9]{0,18}")) {
        return Optional.empty();
      }
      try {
        return Optional.of(Long.parseLong(id));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    @Override
    public Optional<AsyncTask> find(String id) {
      Optional<Long> key = parse(id);
      if (key.isEmpty()) {
        return Optional.empty();
      }
      return db.run(c -> {
        try (PreparedStatement s = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM bb_task WHERE id = ?")) {
          s.setLong(1, key.get());
          try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.ofNullable(readable(r)) : Optional.empty();
          }
        }
      });
    }

    @Override
    public List<AsyncTask> unfinished() {
      return db.run(c -> {
        List<AsyncTask> open = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM bb_task WHERE finished = FALSE ORDER BY id");
            ResultSet r = s.executeQuery()) {
          while (r.next()) {
            AsyncTask task = readable(r);
            if (task != null) {
              open.add(task);
            }
          }
        }
        return open;
      });
    }
  }

  private final class Conflicts implements ConflictStore {
    @Override
    public ConflictRecord add(ConflictRecord r) {
      return db.run(c -> {
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
      });
    }

    @Override
    public List<ConflictRecord> list(String connectorKey, String localIssueKey) {
      return db.run(c -> {
        List<ConflictRecord> records = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, connector_key, local_issue_key,"
            + " remote_issue_key, mapping_id, local_json, remote_json, local_changed_at,"
            + " remote_changed_at, winner, rule_name, recorded_at FROM bb_conflict WHERE"
            + " connector_key = ?" + (localIssueKey == null ? "" : " AND local_issue_key = ?")
            + " ORDER BY id")) {
          if (localIssueKey == null) {
            bind(s, connectorKey);
          } else {
            bind(s, connectorKey, localIssueKey);
          }
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
        }
        return records;
      });
    }
  }
}
