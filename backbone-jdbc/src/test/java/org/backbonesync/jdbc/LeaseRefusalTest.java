package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.store.LeaseStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease row the database refuses for another reason than an existing one (a node name longer
 * than the column) is a failure, not a lease held by another node: taken for one, no lease was
 * ever taken and nothing synced, without a word (helper-92). The existing row still reads as
 * held.
 */
class LeaseRefusalTest {
  @TempDir Path dir;

  @Test
  void onH2() {
    refusesLoudly(JdbcStores.h2Url(dir));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgres() {
    refusesLoudly(PostgresStoresTest.freshSchemaUrl());
  }

  private static void refusesLoudly(String url) {
    try (JdbcStores stores = JdbcStores.atUrl(url, null, null)) {
      LeaseStore leases = stores.leases();
      String tooLong = "n".repeat(256);

      assertThrows(RuntimeException.class,
          () -> leases.tryLease("poll", "PA", tooLong, 0, 1000), "one key");
      assertThrows(RuntimeException.class,
          () -> leases.tryLeases("inbox:PA", List.of("PB-1", "PB-2"), tooLong, 0, 1000),
          "several keys");

      assertTrue(leases.tryLease("poll", "PA", "node-1", 0, 1000));
      assertFalse(leases.tryLease("poll", "PA", "node-2", 10, 1010), "held by node-1");
      assertEquals(Set.of("PB-1"), leases.tryLeases("inbox:PA", List.of("PB-1"), "node-1", 0,
          1000));
      assertEquals(Set.of(), leases.tryLeases("inbox:PA", List.of("PB-1"), "node-2", 10, 1010));
    }
  }
}
