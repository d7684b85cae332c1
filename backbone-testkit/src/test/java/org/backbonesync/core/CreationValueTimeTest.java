package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A value an issue was created with weighs with the creation's time against a partner issue
 * that was not made from it: two issues created apart and paired by an import, or taken back
 * after a Jira restore. (Only an issue sent as new, to a partner that knows no issue of it,
 * sends such a value with time 0: {@code NoChangeLostTest}.) Found by helper-84's review of
 * d981937, which gave every such value time 0: bob's older edit then won in all three.
 */
class CreationValueTimeTest {

  /** Bob edits PB-1 at 0:30, alice creates PA-1 at 1:00; the two are paired by an import. */
  private static SyncTestDriver imported() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.b("bob").create("Printer on fire");
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, tray 2");
    sync.advance(Duration.ofMinutes(30));
    sync.a("alice").create("Order more toner");
    sync.advance(Duration.ofMinutes(1));
    sync.engine().importSyncInformation("PA", List.of(SyncInfoImport.pair("PA-1", "PB-1")));
    sync.engine().importSyncInformation("PB", List.of(SyncInfoImport.pair("PB-1", "PA-1")));
    sync.advance(Duration.ofMinutes(1));
    sync.restartOn(new InMemoryStores()); // the pair comes back by the issues' markers
    return sync;
  }

  private static void newestSummaryOnBoth(SyncTestDriver sync, String keyA, String keyB) {
    assertEquals("Order more toner", sync.a().value(keyA, "summary").asText(),
        "alice's creation is newer than bob's edit");
    assertEquals("Order more toner", sync.b().value(keyB, "summary").asText());
  }

  @Test
  void importedIssuesPairedAgainByAnEditOnA() {
    SyncTestDriver sync = imported();
    sync.a("alice").edit("PA-1", "priority", "High");
    sync.runUntilQuiet();
    newestSummaryOnBoth(sync, "PA-1", "PB-1");
  }

  @Test
  void importedIssuesPairedAgainByAnEditOnB() {
    SyncTestDriver sync = imported();
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.runUntilQuiet();
    newestSummaryOnBoth(sync, "PA-1", "PB-1");
  }

  /**
   * {@code RestoredSiteTest}'s setup: PA restored from a backup gives the lost PA-2's key to
   * alice's new issue, 2 h 40 min after bob edited PB-2; the pair is unlinked, and an admin
   * takes it back on both sides (each sent whole, the newest value winning).
   */
  @Test
  void aPairTakenBackAfterAJiraRestore() {
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    long backup = sync.clock().millis();
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").create("Scanner jams");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(30));
    sync.b("bob").edit("PB-2", "summary", "Scanner jams in tray 2");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(2));
    assertEquals(List.of("PA-2"), sync.a().restoreBackupOf(backup));
    sync.advance(Duration.ofMinutes(10));
    assertEquals("PA-2", sync.a("alice").create("Order more toner"));
    sync.runUntilQuiet(); // unlinked as replaced
    sync.advance(Duration.ofSeconds(5));

    sync.engine().setIncomingChangesIgnored("PA", row(sync.syncInfoA(), "PA-2").id(), false);
    sync.engine().setIncomingChangesIgnored("PB", row(sync.syncInfoB(), "PB-2").id(), false);
    sync.runUntilQuiet();

    newestSummaryOnBoth(sync, "PA-2", "PB-2");
  }

  private static SyncInfo row(List<SyncInfo> rows, String key) {
    return rows.stream().filter(r -> r.localIssueKey().equals(key)).findFirst().orElseThrow();
  }
}
