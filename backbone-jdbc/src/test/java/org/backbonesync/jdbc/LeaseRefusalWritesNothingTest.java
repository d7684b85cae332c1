package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.backbonesync.spi.store.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A lease another node holds is refused without a write: no refused insert and no row lock,
 * so the refusing transaction gets no id and, on PostgreSQL, its commit no WAL flush. Two nodes
 * polling the same connectors refused each other's poll lease about 2.6 times per 200 changes in
 * TwoNodeBenchmark with 4 synchronizations, each a flush (and an error in the server's log).
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class LeaseRefusalWritesNothingTest {
  private final String url = PostgresStoresTest.freshSchemaUrl();
  private final JdbcStores stores = JdbcStores.atUrl(url, null, null);
  private final LeaseStore leases = stores.leases();

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void aLeaseAnotherNodeHoldsIsRefusedWithoutAWrite() throws Exception {
    assertTrue(leases.tryLease("poll", "PA", "node-1", 0, 1_000));
    stores.inTransaction(() -> {
      assertFalse(leases.tryLease("poll", "PA", "node-2", 10, 1_010), "held by node-1");
      stores.run(c -> {
        try (Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT pg_current_xact_id_if_assigned()")) {
          r.next();
          assertNull(r.getObject(1), "the refusing transaction's id");
        }
        return null;
      });
      try (Connection other = DriverManager.getConnection(url);
          Statement s = other.createStatement()) { // the row is not locked: node-1 can renew it
        s.execute("SET lock_timeout = '2s'");
        s.executeQuery("SELECT node FROM bb_lease WHERE scope = 'poll' AND lease_key = 'PA'"
            + " FOR UPDATE NOWAIT").close();
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(leases.tryLease("poll", "PA", "node-1", 20, 1_020), "renewed by its holder");
    assertTrue(leases.tryLease("poll", "PA", "node-2", 1_020, 2_000), "taken once expired");
  }
}
