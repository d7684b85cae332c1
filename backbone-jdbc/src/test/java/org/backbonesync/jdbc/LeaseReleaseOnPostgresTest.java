package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.store.Lease;
import org.backbonesync.spi.store.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * On PostgreSQL a chunk of pairs is given back in one statement, which locks the node's rows in
 * key order before it deletes them ({@code LeaseLockOrderTest} has the order), and leaves
 * another node's.
 */
@EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
class LeaseReleaseOnPostgresTest {
  private static final String SCOPE = "inbox:PB";
  private final CountedStatements db = new CountedStatements(PostgresStoresTest.freshSchemaUrl());
  private final JdbcStores stores = JdbcStores.open(db.dataSource);
  private final LeaseStore leases = stores.leases();

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void aChunkOfPairsIsGivenBackInOneStatement() {
    List<String> keys = new ArrayList<>();
    for (int i = 1; i < InLists.CHUNK; i++) {
      keys.add("PA-" + i);
    }
    leases.tryLeases(SCOPE, keys, "node-1", 0, 1000);
    leases.tryLease(SCOPE, "PA-100", "node-2", 0, 1000); // (another node's)
    keys.add("PA-100");
    db.reset();

    leases.release(SCOPE, keys, "node-1");

    assertEquals(1, db.executions(), "statements executed"); // 2: a locking read, a delete
    assertEquals(List.of(new Lease(SCOPE, "PA-100", "node-2", 1000)),
        leases.leases(SCOPE, 0, 200).orElseThrow());
  }
}
