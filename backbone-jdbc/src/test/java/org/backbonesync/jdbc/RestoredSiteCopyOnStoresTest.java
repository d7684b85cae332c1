package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy made on a site restored from a backup under a key its lost pair's row holds, on the
 * JDBC stores: the lost row removed and the copy's inserted in one transaction, the partner's
 * row unlinked (remote key null) before the taker gets the key, under both databases' unique
 * constraints; also with the copy's row made again before its PAIRED was applied.
 */
class RestoredSiteCopyOnStoresTest {
  @TempDir Path dir;

  @Test
  void onH2() {
    both(() -> JdbcStores.inDirectory(dir.resolve("a")), () -> JdbcStores.inDirectory(
        dir.resolve("b")));
  }

  @Test
  @EnabledIfEnvironmentVariable(named = "BACKBONE_PG_URL", matches = "jdbc:postgresql:.*")
  void onPostgres() {
    both(() -> JdbcStores.atUrl(PostgresStoresTest.freshSchemaUrl(), null, null),
        () -> JdbcStores.atUrl(PostgresStoresTest.freshSchemaUrl(), null, null));
  }

  private static void both(java.util.function.Supplier<Stores> first,
      java.util.function.Supplier<Stores> second) {
    copyPaired(first.get(), false);
    copyPaired(second.get(), true);
  }

  private static SyncInfo row(List<SyncInfo> rows, String localKey) {
    return rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow(() -> new AssertionError("no row of " + localKey + " in " + rows));
  }

  private static void copyPaired(Stores stores, boolean rowMadeAgain) {
    SyncTestDriver sync = SyncTestDriver.builder().stores(stores)
        .connectorB(c -> c.withOnPartnerGone(PartnerGone.mark())).build();
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").create("Scanner jams");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-2", "description", "Paper stuck in tray 2");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    sync.b("bob").create("Order more toner");
    if (rowMadeAgain) {
      sync.poll("PB");
      sync.deliver("PB");
      sync.apply("PA");
      sync.engine().deleteSyncInformation("PA", row(sync.syncInfoA(), "PA-2").id());
      sync.advance(Duration.ofMinutes(1));
      sync.a("alice").edit("PA-2", "description", "Black and cyan");
    }

    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertEquals("Order more toner", sync.a().value("PA-2", "summary").asText());
    assertEquals("PB-3", row(sync.syncInfoA(), "PA-2").remoteIssueKey());
    assertEquals("PA-2", row(sync.syncInfoB(), "PB-3").remoteIssueKey());
    SyncInfo lost = row(sync.syncInfoB(), "PB-2");
    assertNull(lost.remoteIssueKey());
    assertTrue(lost.incomingChangesIgnored());
    assertEquals("Paper stuck in tray 2", sync.b().value("PB-2", "description").asText());
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").edit("PB-3", "description", "Magenta");
    sync.b("bob").edit("PB-2", "summary", "Scanner jams again");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertEquals("Magenta", sync.a().value("PA-2", "description").asText());
    assertEquals(2, sync.a().allIssues().size());
  }
}
