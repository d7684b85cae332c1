package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;
import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.LeaseStore;

/**
 * Leases as rows locked with {@code SELECT ... FOR UPDATE SKIP LOCKED}: a node that finds the row
 * locked by another node's transaction, or leased to another node until later, does not get it.
 */
final class JdbcLeaseStore implements LeaseStore {
  private static final String INSERT =
      "INSERT INTO bb_lease (scope, lease_key, node, until_ms) VALUES (?, ?, ?, ?)";

  /**
   * PostgreSQL's insert of the rows of keys that have none, in their order, skipping a key whose
   * row exists (or another transaction made meanwhile: it waits for that one's end, as the plain
   * insert did), returning the keys it made. A claim that lost the race to another node's (every
   * key made meanwhile) writes nothing: its transaction gets no id and its commit no WAL flush,
   * where a refused insert gave it both, and an error in the server's log.
   */
  private static final ManyRows INSERT_ABSENT_MANY = ManyRows.of("INSERT INTO bb_lease (scope,"
      + " lease_key, node, until_ms) SELECT convert_from(s, 'UTF8'), convert_from(k, 'UTF8'),"
      + " convert_from(n, 'UTF8'), u FROM %s WITH ORDINALITY AS v(s, k, n, u, o) ORDER BY o"
      + " ON CONFLICT (scope, lease_key) DO NOTHING RETURNING lease_key", false, ManyRows.UTF8,
      ManyRows.UTF8, ManyRows.UTF8, "int8");

  /** One key's row unless it has one (made meanwhile by another node, say). */
  private static final InsertUnlessExists INSERT_ONE = new InsertUnlessExists("bb_lease",
      "scope, lease_key, node, until_ms", "scope, lease_key");

  private final JdbcStores db;

  JdbcLeaseStore(JdbcStores db) {
    this.db = db;
  }

  @Override
  public boolean tryLease(String scope, String key, String node, long now, long until) {
    // a new key is ours; a row another node made first is competed for
    return db.run(c -> INSERT_ONE.insert(c, db.postgres(), scope, key, node, until)
        || takeExisting(c, scope, key, node, now, until));
  }

  /**
   * Takes the lease of a key whose row exists, if it is free (expired or the node's own),
   * without ever waiting: a row another transaction holds (or one gone meanwhile) is not taken.
   * Only a free row is locked: a lease another node holds until later is refused without a
   * lock (a row lock is a write: on PostgreSQL it gave the transaction an id and its commit a
   * WAL flush).
   */
  private static boolean takeExisting(Connection c, String scope, String key, String node,
      long now, long until) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT node FROM bb_lease WHERE scope = ?"
        + " AND lease_key = ? AND (node = ? OR until_ms <= ?) FOR UPDATE SKIP LOCKED")) {
      bind(s, scope, key, node, now);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return false; // held by another node until later, locked by another transaction now
        }
      }
    }
    update(c, "UPDATE bb_lease SET node = ?, until_ms = ? WHERE scope = ? AND lease_key = ?",
        node, until, scope, key);
    return true;
  }

  /** Its statements run in the thread's current transaction, as every JDBC store's here. */
  @Override
  public boolean releaseJoinsTransactions() {
    return true;
  }

  @Override
  public void release(String scope, String key, String node) {
    db.run(c -> update(c, "DELETE FROM bb_lease WHERE scope = ? AND lease_key = ? AND node = ?",
        scope, key, node));
  }

  /**
   * All in one transaction: one commit (on PostgreSQL one WAL flush) for the lot, and for keys
   * nobody holds (their rows go with their release) one read and one batch of inserts, not a
   * round trip per key. A key that read shows leased to another node until later is refused
   * without a statement of its own: the other node of two that read the same inbox would
   * otherwise lock-and-look at each of the pairs the first one claimed; so is one whose row
   * another node made between that read and the insert, read again once the insert skipped or
   * refused it (two nodes whose reads of the same inbox saw no row). Two nodes'
   * transactions never wait for each other in a circle: only inserts wait (for another
   * transaction making or deleting the same key), and they all come first, in sorted order, as
   * releases lock the rows they delete; the keys whose rows exist (or were made meanwhile) come
   * after and never wait (a row another transaction holds is not taken), so no row lock taken
   * here is held while an insert of this call waits.
   */
  @Override
  public Set<String> tryLeases(String scope, Collection<String> keys, String node, long now,
      long until) {
    if (keys.isEmpty()) {
      return Set.of();
    }
    SortedSet<String> sorted = new TreeSet<>(keys);
    return db.run(c -> {
      SortedMap<String, Lease> rows = existing(c, scope, sorted);
      List<String> fresh = sorted.stream().filter(k -> !rows.containsKey(k)).toList();
      SortedSet<String> contested = new TreeSet<>();
      Set<String> held = new TreeSet<>(db.postgres()
          ? insertAbsent(c, scope, fresh, node, until, rows)
          : insertFresh(c, scope, fresh, node, until, rows, contested));
      for (Lease row : rows.values()) {
        if (row.node().equals(node) || row.until() <= now) {
          contested.add(row.key());
        }
      }
      for (String key : contested) {
        if (takeExisting(c, scope, key, node, now, until)) {
          held.add(key);
        }
      }
      return held;
    });
  }

  /**
   * PostgreSQL: inserts the rows of the keys, in their order, in one statement that skips a key
   * whose row exists; the keys it made. A key another node made meanwhile has its row read into
   * {@code rows}, as the first read's are; one whose row went again since is refused this time
   * (inserting it now, while holding rows of later keys, could wait for a node waiting for one
   * of those).
   */
  private static List<String> insertAbsent(Connection c, String scope, List<String> fresh,
      String node, long until, SortedMap<String, Lease> rows) throws SQLException {
    if (fresh.isEmpty()) {
      return List.of();
    }
    List<String> made = INSERT_ABSENT_MANY.writeReturning(c, rows(scope, fresh, node, until));
    if (made.size() < fresh.size()) { // (as many made as asked for: all were, none to read)
      SortedSet<String> lost = new TreeSet<>(fresh);
      made.forEach(lost::remove);
      rows.putAll(existing(c, scope, lost));
    }
    return made;
  }

  /**
   * H2: inserts the rows of the keys in one batch; the keys it made. When another node made some
   * of them meanwhile, their rows are read into {@code rows}, as the first read's are, and the
   * rest inserted at once (key by key, each a savepoint, a refused insert and a locking read, the
   * loser of two nodes claiming one inbox's pairs at once spent about 40 round trips per 200
   * changes in TwoNodeBenchmark with 4 synchronizations); made meanwhile again, key by key, the
   * keys refused then going to {@code contested}.
   */
  private static List<String> insertFresh(Connection c, String scope, List<String> fresh,
      String node, long until, SortedMap<String, Lease> rows, SortedSet<String> contested)
      throws SQLException {
    if (insertAll(c, scope, fresh, node, until)) {
      return fresh;
    }
    SortedMap<String, Lease> made = existing(c, scope, new TreeSet<>(fresh));
    rows.putAll(made);
    List<String> rest = fresh.stream().filter(k -> !made.containsKey(k)).toList();
    if (insertAll(c, scope, rest, node, until)) {
      return rest;
    }
    List<String> mine = insertEach(c, scope, rest, node, until);
    contested.addAll(rest);
    mine.forEach(contested::remove);
    return mine;
  }

  /** Inserts the keys' rows one by one, in their order: the keys whose row it made. */
  private static List<String> insertEach(Connection c, String scope, List<String> keys,
      String node, long until) throws SQLException {
    List<String> made = new ArrayList<>();
    for (String key : keys) {
      if (INSERT_ONE.insert(c, false, scope, key, node, until)) { // (H2's path)
        made.add(key);
      }
    }
    return made;
  }

  /**
   * The rows of the keys among {@code keys} that have one, by key, as last committed (not
   * locked), in reads of at most {@link InLists#CHUNK} keys.
   */
  private static SortedMap<String, Lease> existing(Connection c, String scope,
      SortedSet<String> keys) throws SQLException {
    SortedMap<String, Lease> found = new TreeMap<>();
    InLists.forEachChunk(List.copyOf(keys), chunk -> {
      try (PreparedStatement s = c.prepareStatement("SELECT lease_key, node, until_ms FROM"
          + " bb_lease WHERE scope = ? AND lease_key IN (" + InLists.placeholders(chunk.size())
          + ")")) {
        bind(s, InLists.args(chunk, scope));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            found.put(r.getString(1), new Lease(scope, r.getString(1), r.getString(2),
                r.getLong(3)));
          }
        }
      }
    });
    return found;
  }

  /**
   * Inserts rows for all keys in one batch (on H2); false (and nothing inserted) if one exists
   * now.
   */
  private static boolean insertAll(Connection c, String scope, List<String> keys, String node,
      long until) throws SQLException {
    if (keys.isEmpty()) {
      return true;
    }
    Savepoint before = c.setSavepoint();
    try (PreparedStatement s = c.prepareStatement(INSERT)) {
      for (Object[] row : rows(scope, keys, node, until)) {
        bind(s, row);
        s.addBatch();
      }
      s.executeBatch();
      return true;
    } catch (SQLException e) {
      if (!InsertUnlessExists.isUniqueViolation(e)) {
        throw e; // (the store down was taken for a key leased already, and the step went on)
      }
      c.rollback(before);
      return false;
    }
  }

  /** Each key's row, as {@link #INSERT}'s arguments. */
  private static List<Object[]> rows(String scope, List<String> keys, String node, long until) {
    List<Object[]> rows = new ArrayList<>(keys.size());
    for (String key : keys) {
      rows.add(new Object[] {scope, key, node, until});
    }
    return rows;
  }

  /**
   * Per {@link InLists#CHUNK} keys, a locking read in key order and a delete, in one
   * transaction: a JDBC batch of single-row deletes was a statement execution per key on the
   * server (two per change synchronized, the most frequent statement before). The read takes the
   * rows' locks in key order, as {@link #tryLeases} inserts, whatever order the delete's plan
   * visits them in (a sequential scan of a small table goes in the rows' physical order).
   */
  @Override
  public void release(String scope, Collection<String> keys, String node) {
    if (keys.isEmpty()) {
      return;
    }
    List<String> sorted = List.copyOf(new TreeSet<>(keys));
    db.run(c -> {
      InLists.forEachChunk(sorted, chunk -> releaseChunk(c, scope, chunk, node));
      return null;
    });
  }

  /**
   * On PostgreSQL one statement: the locking read is its {@code WITH}, which PostgreSQL runs
   * apart (a query that locks is never folded into the one using it), in key order, before the
   * delete takes only the rows it locked. The read's rows were sent back only to be thrown away,
   * and were, with the second round trip, about a fiftieth of what a change allocated ({@code
   * TwoNodeBenchmark}, JFR). Elsewhere the read, then the delete.
   */
  private void releaseChunk(Connection c, String scope, List<String> chunk, String node)
      throws SQLException {
    String mine = " FROM bb_lease WHERE scope = ? AND node = ? AND lease_key IN ("
        + InLists.placeholders(chunk.size()) + ")";
    String lock = "SELECT scope, lease_key" + mine + " ORDER BY lease_key FOR UPDATE";
    if (db.postgres()) {
      update(c, "WITH locked AS (" + lock + ") DELETE FROM bb_lease AS t USING locked"
          + " WHERE t.scope = locked.scope AND t.lease_key = locked.lease_key",
          InLists.args(chunk, scope, node));
      return;
    }
    try (PreparedStatement s = c.prepareStatement(lock)) {
      bind(s, InLists.args(chunk, scope, node));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) { // (each row read is locked)
        }
      }
    }
    update(c, "DELETE" + mine, InLists.args(chunk, scope, node));
  }

  /** One read of the lease table (its primary key starts with the scope). */
  @Override
  public Optional<List<Lease>> leases(String scope, long now, int limit) {
    return Optional.of(db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT lease_key, node, until_ms FROM bb_lease"
          + " WHERE scope = ? AND until_ms > ? ORDER BY lease_key")) {
        bind(s, scope, now);
        s.setMaxRows(Math.max(0, limit));
        List<Lease> found = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next() && found.size() < limit) {
            found.add(new Lease(scope, r.getString(1), r.getString(2), r.getLong(3)));
          }
        }
        return found;
      }
    }));
  }
}
