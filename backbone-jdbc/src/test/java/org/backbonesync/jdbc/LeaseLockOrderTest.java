package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.backbonesync.spi.store.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A release of several leases locks their rows in key order, whatever order the delete's plan
 * would visit them in. Another node's claim may hold one row locked (its look at a key whose row
 * exists) while it inserts the row of a later key: had the release deleted that later row first
 * (a sequential scan of the small table goes in the rows' physical order), each would wait for
 * the other (found by a review of 8f79d12, whose release was one unordered delete).
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class LeaseLockOrderTest {
  private static final String SCOPE = "inbox:PB";
  private final String url = PostgresStoresTest.freshSchemaUrl();
  /**
   * The stores' sessions plan without index scans, as PostgreSQL may for a small table (a
   * review saw a sequential scan): the order must not come from the plan.
   */
  private final JdbcStores stores = JdbcStores.atUrl(url
      + "&options=-c%20enable_indexscan%3Doff%20-c%20enable_bitmapscan%3Doff", null, null);
  private final LeaseStore leases = stores.leases();

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void aReleaseWaitsAtItsFirstKeyNotAtALaterOne() throws Exception {
    // rows in the table in the order k2, k1: a scan in physical order meets k2 first
    assertTrue(leases.tryLease(SCOPE, "PA-2", "node-1", 0, 1_000));
    assertTrue(leases.tryLease(SCOPE, "PA-1", "node-1", 0, 1_000));
    try (Connection other = DriverManager.getConnection(url);
        Connection watcher = DriverManager.getConnection(url)) {
      other.setAutoCommit(false);
      execute(other, "SET lock_timeout = '10s'");
      // node-2 looks at PA-1's row (takeExisting's lock) ...
      execute(other, "SELECT node FROM bb_lease WHERE scope = '" + SCOPE + "' AND lease_key ="
          + " 'PA-1' FOR UPDATE");
      // ... while node-1 gives back both
      CompletableFuture<Void> release = CompletableFuture.runAsync(
          () -> leases.release(SCOPE, List.of("PA-1", "PA-2"), "node-1"));
      awaitLockWait(watcher, release);

      // node-2 then makes PA-2's row: refused at once (the row is there, not being deleted)
      SQLException refused = assertThrows(SQLException.class, () -> execute(other,
          "INSERT INTO bb_lease (scope, lease_key, node, until_ms) VALUES ('" + SCOPE + "',"
              + " 'PA-2', 'node-2', 2000)"));
      assertEquals("23505", refused.getSQLState(), refused.getMessage()); // not 40P01, deadlock
      other.rollback();

      release.get(10, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), leases.leases(SCOPE, 0, 10).orElseThrow());
  }

  /**
   * Until a statement on the lease table (the release's) waits for a row lock, at most 10 s
   * (another test's session waiting on other tables does not count).
   */
  private static void awaitLockWait(Connection watcher, CompletableFuture<Void> release)
      throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (PreparedStatement waiting = watcher.prepareStatement("SELECT count(*) FROM"
        + " pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        + " AND query LIKE '%bb_lease%'")) {
      while (true) {
        assertFalse(release.isDone(), "the release did not wait for the locked row");
        try (ResultSet r = waiting.executeQuery()) {
          r.next();
          if (r.getInt(1) > 0) {
            return;
          }
        }
        assertTrue(System.nanoTime() < deadline, "the release does not wait for a lock");
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
