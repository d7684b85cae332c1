package org.backbonesync.jdbc;

import static org.backbonesync.jdbc.JdbcSyncInfoStore.bind;
import static org.backbonesync.jdbc.JdbcSyncInfoStore.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.LeaseStore;

/**
 * Leases as rows locked with {@code SELECT ... FOR UPDATE SKIP LOCKED}: a node that finds the row
 * locked by another node's transaction, or leased to another node until later, does not get it.
 */
final class JdbcLeaseStore implements LeaseStore {
  private final JdbcStores db;

  JdbcLeaseStore(JdbcStores db) {
    this.db = db;
  }

  @Override
  public boolean tryLease(String scope, String key, String node, long now, long until) {
    return db.run(c -> {
      Savepoint before = c.setSavepoint();
      try {
        update(c, "INSERT INTO bb_lease (scope, lease_key, node, until_ms) VALUES (?, ?, ?, ?)",
            scope, key, node, until);
        return true; // a new key: ours
      } catch (SQLException exists) {
        c.rollback(before); // another node made the row first; compete for it below
      }
      try (PreparedStatement s = c.prepareStatement("SELECT node, until_ms FROM bb_lease WHERE"
          + " scope = ? AND lease_key = ? FOR UPDATE SKIP LOCKED")) {
        bind(s, scope, key);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return false; // another node holds the row's lock right now
          }
          if (!r.getString(1).equals(node) && r.getLong(2) > now) {
            return false;
          }
        }
      }
      update(c, "UPDATE bb_lease SET node = ?, until_ms = ? WHERE scope = ? AND lease_key = ?",
          node, until, scope, key);
      return true;
    });
  }

  @Override
  public void release(String scope, String key, String node) {
    db.run(c -> update(c, "DELETE FROM bb_lease WHERE scope = ? AND lease_key = ? AND node = ?",
        scope, key, node));
  }

  /**
   * All in one transaction: one commit (on PostgreSQL one WAL flush) for the lot. Keys are taken
   * in sorted order, as they are released, so that two nodes' transactions never wait for each
   * other in a circle.
   */
  @Override
  public Set<String> tryLeases(String scope, Collection<String> keys, String node, long now,
      long until) {
    if (keys.isEmpty()) {
      return Set.of();
    }
    return db.inTransaction(
        () -> LeaseStore.super.tryLeases(scope, new TreeSet<>(keys), node, now, until));
  }

  @Override
  public void release(String scope, Collection<String> keys, String node) {
    if (!keys.isEmpty()) {
      db.inTransaction(() -> {
        LeaseStore.super.release(scope, new TreeSet<>(keys), node);
        return null;
      });
    }
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
