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
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.WatermarkStore;

/** Watermarks and tasks in SQL tables. */
final class JdbcSmallStores implements WatermarkStore {
  private final JdbcStores db;
  private final TaskStore tasks = new Tasks();

  JdbcSmallStores(JdbcStores db) {
    this.db = db;
  }

  TaskStore tasks() {
    return tasks;
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
}
