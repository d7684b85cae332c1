package org.backbonesync.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.store.SyncInfo;

/**
 * One transaction's writes that need no answer before the commit, sent as one JDBC batch per
 * statement (one round trip each, however many issue pairs a group commit holds), and the rows
 * it locked ahead ({@code SyncInfoStore.lockRows}) with their last synced values, handed out
 * once instead of read again.
 *
 * <p>Why it is safe: every other statement of the transaction flushes the batches first, so
 * nothing reads around a write not sent; a key written twice flushes before the second write,
 * so no two writes of one key are reordered (batches go in the order their statements first
 * came, each in the order of its writes); and anything sent by other code may have changed any
 * row, so it forgets the locked rows and values. A write that fails fails the commit, and the
 * whole transaction rolls back, as if it had failed when made.
 */
final class TransactionWrites {
  private final Connection connection;
  /** The batches not sent yet, by their SQL, in the order each first came. */
  private final Map<String, Batch> batches = new LinkedHashMap<>();
  /** The keys the batches write. */
  private final Set<Key> keys = new HashSet<>();
  private final Map<Long, SyncInfo> locked = new HashMap<>();
  /** Rows as this transaction last knew them: locked ahead, or written since. */
  private final Map<Long, SyncInfo> known = new HashMap<>();
  private final Map<Long, Map<String, JsonNode>> values = new HashMap<>();
  /** The rows this transaction inserted or updated: each has a new stamp. */
  private final Set<Long> stamped = new HashSet<>();
  private final Map<String, ManyRows> manyRows;
  /** Whether a flush failed: then nothing more of the transaction may go, it rolls back. */
  private boolean failed;

  /**
   * @param manyRows the database's forms of statements for many rows at once, by statement
   *     (PostgreSQL's: {@link ManyRows}); empty to send JDBC batches
   */
  TransactionWrites(Connection connection, Map<String, ManyRows> manyRows) {
    this.connection = connection;
    this.manyRows = manyRows;
  }

  /** A write sent at the next flush: an update or delete, or an insert. */
  void add(Key key, String sql, Object... args) throws SQLException {
    add(key, sql, args, null, null);
  }

  /**
   * An upsert sent at the next flush: the update, and for each row it found none, the insert
   * (both batches go in one flush).
   */
  void add(Key key, String sql, Object[] args, String insertSql, Object[] insertArgs)
      throws SQLException {
    failedBefore();
    if (!keys.add(key)) {
      flush();
      keys.add(key);
    }
    Batch batch = batches.get(sql); // (not computeIfAbsent: its lambda was made per write)
    if (batch == null) {
      batch = new Batch(sql, insertSql, manyRows.get(sql));
      batches.put(sql, batch);
    }
    batch.add(args, insertArgs);
  }

  /** Sends every batch, in order. */
  void flush() throws SQLException {
    failedBefore();
    if (batches.isEmpty()) {
      return;
    }
    List<Batch> all = new ArrayList<>(batches.values());
    batches.clear();
    keys.clear();
    failed = true; // (until every batch went: the transaction must not commit without them)
    for (Batch batch : all) {
      batch.send(connection);
    }
    failed = false;
  }

  private void failedBefore() throws SQLException {
    if (failed) {
      throw new SQLException("writes of this transaction failed before; it must roll back");
    }
  }

  /** A row is being written without its lock read first: the row locked ahead is old now. */
  void rowWritten(Long id) {
    locked.remove(id);
  }

  /** Remembers rows this transaction locked, with their last synced values. */
  void locked(List<SyncInfo> rows, Map<Long, Map<String, JsonNode>> theirValues) {
    for (SyncInfo row : rows) {
      Long id = row.id(); // (boxed once for both)
      locked.put(id, row);
      known.put(id, row);
    }
    values.putAll(theirValues);
  }

  /**
   * Whether an update of this row keeps the keys the row has in this transaction (locked, so
   * no one else changes them): its statement then finds the row, it needs no answer.
   */
  boolean keepsKeys(Long id, SyncInfo update) {
    SyncInfo row = known.get(id);
    return row != null && row.connectorKey().equals(update.connectorKey())
        && row.localIssueKey().equals(update.localIssueKey())
        && java.util.Objects.equals(row.remoteIssueKey(), update.remoteIssueKey());
  }

  /** The row as an update waiting here writes it (its id, boxed). */
  void written(Long id, SyncInfo row) {
    known.put(id, row);
    locked.remove(id);
  }

  /**
   * A row this transaction locked ahead, as it was then: once, and only while nothing wrote it
   * since (a write forgets it: {@link #written}, {@link #rowWritten}); else null.
   */
  SyncInfo takeLocked(String connectorKey, long id) {
    SyncInfo row = locked.get(id);
    if (row == null || !row.connectorKey().equals(connectorKey)) {
      return null;
    }
    return locked.remove(id);
  }

  /**
   * A locked row's last synced values as read with it: once; null when not read, or written
   * since.
   */
  Map<String, JsonNode> takeValues(long id) {
    return values.remove(id);
  }

  /** The row was inserted or updated in this transaction: it has a new stamp. */
  void stamped(Long id) {
    stamped.add(id);
  }

  /** Whether the row was inserted or updated in this transaction. */
  boolean stampedHere(Long id) {
    return stamped.contains(id);
  }

  /** The row's values are being written: they are no longer as read. */
  void valuesWritten(Long id) {
    values.remove(id);
  }

  /** Other code sent a statement that may have changed any row. */
  void forgetRead() {
    locked.clear();
    known.clear();
    values.clear();
  }

  /**
   * What a write writes: a table and the values of its key columns (one or two; {@code second}
   * null for one). The values themselves, not a string joined of them: joining one per write was
   * about a fiftieth of what a change allocated ({@code TwoNodeBenchmark}, JFR).
   */
  record Key(String table, Object first, Object second) {
    /** The key of a table's row by one key column. */
    static Key of(String table, Object value) {
      return new Key(table, value, null);
    }

    /** The key of a table's row by two key columns. */
    static Key of(String table, Object first, Object second) {
      return new Key(table, first, second);
    }
  }

  /** The key of a sync information row's writes. */
  static Key rowKey(Long id) {
    return Key.of("bb_sync_info", id);
  }

  /** The writes of one statement, and the inserts for those an upsert's update did not find. */
  private static final class Batch {
    private final String sql;
    private final String insertSql;
    private final List<Object[]> args = new ArrayList<>();
    private final List<Object[]> insertArgs = new ArrayList<>();
    /** The statement's form for many rows; null to send a JDBC batch. */
    private final ManyRows many;

    Batch(String sql, String insertSql, ManyRows many) {
      this.sql = sql;
      this.insertSql = insertSql;
      this.many = many;
    }

    void add(Object[] values, Object[] insertValues) {
      args.add(values);
      insertArgs.add(insertValues);
    }

    void send(Connection c) throws SQLException {
      if (many != null && args.size() > 1) {
        many.write(c, many.fromInsert() ? insertArgs : args);
        return;
      }
      int[] counts = execute(c, sql, args);
      if (insertSql == null) {
        return;
      }
      List<Object[]> inserts = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == java.sql.Statement.SUCCESS_NO_INFO) { // (a driver that does not say)
          counts[i] = execute(c, sql, List.<Object[]>of(args.get(i)))[0];
        }
        if (counts[i] == 0) {
          inserts.add(insertArgs.get(i));
        }
      }
      if (!inserts.isEmpty()) {
        execute(c, insertSql, inserts);
      }
    }

    private static int[] execute(Connection c, String sql, List<Object[]> rows)
        throws SQLException {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        if (rows.size() == 1) { // (the driver would send a batch of one the same way)
          JdbcSyncInfoStore.bind(s, rows.get(0));
          return new int[] {s.executeUpdate()};
        }
        for (Object[] row : rows) {
          JdbcSyncInfoStore.bind(s, row);
          s.addBatch();
        }
        return s.executeBatch();
      }
    }
  }
}
