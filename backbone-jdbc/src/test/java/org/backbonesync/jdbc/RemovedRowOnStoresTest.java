package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.spi.store.RemovedRow;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lost pair's row that a copy on a site restored from a backup takes the key of is kept as a
 * removed row on the JDBC stores: a change of its partner row that comes after the removal is
 * dropped when its wait for the gap times out, not failed for good, and an admin's delete of all
 * sync information forgets the record.
 */
class RemovedRowOnStoresTest {
  @TempDir Path dir;

  @Test
  void onH2() {
    lateChangeOfTheLostPair(JdbcStores.inDirectory(dir));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgres() {
    lateChangeOfTheLostPair(JdbcStores.atUrl(PostgresStoresTest.freshSchemaUrl(), null, null));
  }

  private static void lateChangeOfTheLostPair(Stores stores) {
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores)
        .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-1; its PAIRED not delivered
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-1", "summary", "Scanner jams again");
    sync.poll("PB"); // PB-1 #2, its row never heard from PA-1's
    long pb1Row = sync.syncInfoB().get(0).epoch();
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-1"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PB-2", sync.b("bob").create("Order more toner"));
    sync.poll("PB");
    sync.transportBtoA().inject(InMemoryTransport.Fault.HOLD, 1); // (PB-1 #2)
    sync.deliver("PB");
    sync.apply("PA"); // PA-1 made for PB-2, PB-1's row removed
    sync.transportBtoA().releaseHeld();

    assertEquals(Optional.of(new RemovedRow("PA", "PB-1", pb1Row, 1)),
        stores.syncInfo().removedRow("PA", "PB-1", pb1Row));
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures(),
        "nothing waits for an operator");
    assertEquals("Order more toner", sync.a().value("PA-1", "summary").asText());
    assertEquals(1, sync.engine().deleteAllSyncInformation("PA"));
    assertEquals(Optional.empty(), stores.syncInfo().removedRow("PA", "PB-1", pb1Row));
  }
}
